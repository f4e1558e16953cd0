"""XML-DSig verification of an electronic result (signxml), after a defusedxml parse.

The file is parsed with defusedxml first, which refuses any DTD, entity or external
reference; only then does signxml (lxml, entities not resolved, no network) check the
signature. The signature must be the document's only one, cover the whole document (a
reference with `URI=""`), and carry its certificate in `KeyInfo/X509Data`; the
certificate's chain is checked separately, against the trust roots.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from xml.etree.ElementTree import Element, ParseError

from cryptography import x509
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from lxml.etree import LxmlError
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import SignXMLException

from documents.papers.signatures import (
    ResultSignature,
    SignatureFormat,
    TrustRoots,
    check_chain,
    described,
    invalid,
)

_DS = "{http://www.w3.org/2000/09/xmldsig#}"
# XAdES's signing time, when the signature has one (ETSI EN 319 132-1).
_XADES_SIGNING_TIME = "{http://uri.etsi.org/01903/v1.3.2#}SigningTime"


def _parse(data: bytes) -> Element:
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError) as error:
        raise invalid("the XML is malformed or declares a DTD or entities") from error


def _signature(root: Element) -> Element:
    signatures = list(root.iter(f"{_DS}Signature"))
    if len(signatures) != 1:
        raise invalid("an XML result carries exactly one XML-DSig signature")
    return signatures[0]


def _references(signature: Element) -> int:
    uris = [ref.get("URI") for ref in signature.iter(f"{_DS}Reference")]
    if "" not in uris:
        raise invalid('the signature does not cover the whole document (no URI="" reference)')
    return len(uris)


def _certificates(signature: Element) -> list[x509.Certificate]:
    certificates = []
    for element in signature.iter(f"{_DS}X509Certificate"):
        try:
            der = base64.b64decode("".join((element.text or "").split()), validate=True)
            certificates.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError) as error:
            raise invalid("the signature carries a malformed certificate") from error
    if not certificates:
        raise invalid("the signature carries no X.509 certificate")
    return certificates


def _signing_time(signature: Element) -> datetime | None:
    element = next(signature.iter(_XADES_SIGNING_TIME), None)
    if element is None or not element.text:
        return None
    try:
        stated = datetime.fromisoformat(element.text.strip())
    except ValueError:
        return None
    return stated if stated.tzinfo else stated.replace(tzinfo=UTC)


def _check_integrity(data: bytes, leaf: x509.Certificate, references: int) -> None:
    """The signature value and every digest hold for `leaf`'s key. The certificate's
    dates are the chain check's business, so this checks them inside its validity."""
    config = SignatureConfiguration(
        expect_references=references, verification_time=leaf.not_valid_before_utc
    )
    try:
        XMLVerifier().verify(data, x509_cert=leaf, expect_config=config)
    except (SignXMLException, LxmlError, ValueError) as error:
        raise invalid("the signature does not match the document: it was changed") from error


def verify_xml(data: bytes, roots: TrustRoots, now: datetime) -> ResultSignature:
    """The signer of an XML result; DomainError when the signature does not hold."""
    signature = _signature(_parse(data))
    references = _references(signature)
    leaf, *others = _certificates(signature)
    _check_integrity(data, leaf, references)
    check_chain(leaf, others, roots, now)
    return described(leaf, SignatureFormat.XML_DSIG, _signing_time(signature), now)
