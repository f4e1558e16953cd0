"""The `format`s a form may use, checked the same way by the server and by Ajv.

The standard ones are Ajv-formats 3's "full" definitions (the mode `addFormats(ajv)`
uses), written here with the same ECMAScript regexes and run by an ECMAScript engine,
so a browser and the server agree. The Vietnamese ones are ours; a client adds them to
Ajv with `ajv.addFormat(name, new RegExp(VN_FORMATS[name], "u"))` (docs/forms.md). Any
other `format` is refused when the draft is created: nothing published goes unchecked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import regress
from jsonschema import FormatChecker

from documents.catalogue.forms.patterns import FLAGS, compiled

# Ajv-formats 3.0.1, fullFormats.email.
EMAIL = (
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$"
)
UUID = r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$"
# Ajv-formats' `date` and `time` (strict time zone); `date-time` is the two joined by
# `t` or a white space, as its split on /t|\s/i.
_DATE = r"^(\d\d\d\d)-(\d\d)-(\d\d)$"
_TIME = r"^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$"
_DATE_TIME = r"^(\d\d\d\d-\d\d-\d\d)(?:t|\s)([^t\s]*)$"

VN_FORMATS: dict[str, str] = {
    # Số định danh cá nhân (căn cước): 12 ASCII digits.
    "vn-citizen-id": r"^[0-9]{12}$",
    # A Vietnamese number: 0 or +84, then 9 digits of which the first is not 0.
    "vn-phone": r"^(?:0|\+84)[1-9][0-9]{8}$",
    # Mã số thuế: 10 digits, or 10 digits, a hyphen and 3 digits (a branch).
    "vn-tax-code": r"^[0-9]{10}(?:-[0-9]{3})?$",
}

_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _ci(source: str) -> regress.Regex:
    return regress.Regex(source, FLAGS + "i")


_EMAIL, _UUID = _ci(EMAIL), _ci(UUID)
_DATE_RE, _TIME_RE, _DATE_TIME_RE = compiled(_DATE), _ci(_TIME), _ci(_DATE_TIME)


def _groups(regex: regress.Regex, count: int, text: str) -> list[str | None] | None:
    """The capture groups of a match, as text (`regress` gives UTF-8 byte offsets)."""
    found = regex.find(text)
    if found is None:
        return None
    raw = text.encode()
    spans = (found.group(i) for i in range(1, count + 1))
    return [None if span is None else raw[span].decode() for span in spans]


def is_date(text: str) -> bool:
    found = _groups(_DATE_RE, 3, text)
    if found is None:
        return False
    year, month, day = (int(part or 0) for part in found)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 and leap else _DAYS[month])


def is_time(text: str) -> bool:
    found = _groups(_TIME_RE, 7, text)
    if found is None:
        return False
    hour, minute, second = (float(part or 0) for part in found[:3])
    zone, sign = found[3], found[4]
    zone_hours, zone_minutes = (float(part or 0) for part in found[5:7])
    if zone is None or zone_hours > 23 or zone_minutes > 59:
        return False
    if hour <= 23 and minute <= 59 and second < 60:
        return True
    # A leap second, only at 23:59 UTC.
    factor = -1 if sign == "-" else 1
    utc_minute = minute - zone_minutes * factor
    utc_hour = hour - zone_hours * factor - (1 if utc_minute < 0 else 0)
    return utc_hour in (23, -1) and utc_minute in (59, -1) and second < 61


def is_date_time(text: str) -> bool:
    found = _groups(_DATE_TIME_RE, 2, text)
    if found is None or found[0] is None or found[1] is None:
        return False
    return is_date(found[0]) and is_time(found[1])


def _matching(regex: regress.Regex) -> Callable[[str], bool]:
    return lambda text: regex.find(text) is not None


_CHECKS: dict[str, Callable[[str], bool]] = {
    "date": is_date,
    "time": is_time,
    "date-time": is_date_time,
    "email": _matching(_EMAIL),
    "uuid": _matching(_UUID),
    **{name: _matching(compiled(source)) for name, source in VN_FORMATS.items()},
}

KNOWN_FORMATS = frozenset(_CHECKS)


def _checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, check in _CHECKS.items():
        checker.checks(name)(_on_strings(check))
    return checker


def _on_strings(check: Callable[[str], bool]) -> Callable[[object], bool]:
    """A format applies to strings only; any other type passes (JSON Schema's rule)."""
    return lambda value: not isinstance(value, str) or check(value)


FORMAT_CHECKER = _checker()


def formats_in(schema: Any, at: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every `format` a schema names, with the path of keywords to it."""
    if isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from formats_in(item, (*at, str(index)))
    elif isinstance(schema, dict):
        for keyword, value in schema.items():
            if keyword == "format" and isinstance(value, str):
                yield (*at, keyword), value
            elif keyword not in ("const", "enum", "default", "examples"):
                yield from formats_in(value, (*at, keyword))
