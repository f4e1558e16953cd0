"""What a file is, judged by its content: never by its name or the type a client declares.

PDF, JPEG and PNG are known by their first bytes. Signed XML (an electronic result) is
XML that contains an XML-DSig `Signature` element; it is parsed incrementally as it
streams, so the signature may sit anywhere in the file.
"""

from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError, XMLPullParser

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
SIGNED_XML = "application/xml"
KNOWN = frozenset({PDF, JPEG, PNG, SIGNED_XML})

XMLDSIG_SIGNATURE = "{http://www.w3.org/2000/09/xmldsig#}Signature"
# Enough bytes to tell every known type apart.
HEAD_BYTES = 16

_ALIASES = {
    "application/x-pdf": PDF,
    "image/jpg": JPEG,
    "image/pjpeg": JPEG,
    "text/xml": SIGNED_XML,
}
# What clients send when they do not know; not a claim about the content.
_UNDECLARED = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_BOM = b"\xef\xbb\xbf"


def normalized(declared: str | None) -> str | None:
    """The declared media type without parameters, with aliases resolved; None when
    the client declared nothing in particular."""
    media = (declared or "").split(";")[0].strip().lower()
    if media in _UNDECLARED:
        return None
    return _ALIASES.get(media, media)


def sniff(head: bytes) -> str | None:
    """The media type the first bytes announce; XML only as a candidate (SIGNED_XML
    until `SignatureScan` finds otherwise); None when unknown."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.removeprefix(_BOM).lstrip().startswith(b"<"):
        return SIGNED_XML
    return None


class SignatureScan:
    """Feeds streamed XML to an incremental parser and remembers whether an XML-DSig
    `Signature` element went by. Elements are cleared as they end, so memory stays
    small; expat refuses entity-expansion bombs and never fetches external entities."""

    def __init__(self) -> None:
        self.parser: XMLPullParser[Element] = XMLPullParser(events=("start", "end"))
        self.signed = False
        self.well_formed = True

    def feed(self, data: bytes) -> None:
        if not self.well_formed:
            return
        try:
            self.parser.feed(data)
            self._drain()
        except ParseError:
            self.well_formed = False

    def finish(self) -> bool:
        """True when the whole document was well-formed XML and signed."""
        if self.well_formed:
            try:
                self.parser.close()
                self._drain()
            except ParseError:
                self.well_formed = False
        return self.well_formed and self.signed

    def _drain(self) -> None:
        for item in self.parser.read_events():
            if len(item) != 2 or not isinstance(item[1], Element):
                continue  # only start and end events (with their element) are asked for
            event, element = item
            if event == "start" and element.tag == XMLDSIG_SIGNATURE:
                self.signed = True
            elif event == "end":
                element.clear()
