"""The page sizes of a PDF that Chromium printed, read from its page objects."""

from __future__ import annotations

import re

_PAGE = re.compile(rb"/Type\s*/Page\b(?!s)")
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]")


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    """Each page's (width, height) in whole points; A4 is (595, 842). Chromium writes
    one uncompressed page object with its own /MediaBox per page."""
    boxes = [
        (round(float(x1) - float(x0)), round(float(y1) - float(y0)))
        for x0, y0, x1, y1 in _MEDIA_BOX.findall(pdf)
    ]
    assert len(boxes) == len(_PAGE.findall(pdf)), "a page without its own /MediaBox"
    return boxes
