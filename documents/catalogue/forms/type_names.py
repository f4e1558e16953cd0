"""The naming rule: ASCII GraphQL names for a form key, its nested objects and enum values.

A text is cut into words by one rule: Unicode NFD, combining marks dropped (so `ữ` → `u`),
`đ`/`Đ` → `d`/`D`, then every run of characters other than ASCII letters and digits
separates two words. A type name joins the words in PascalCase (each word's first letter
upper-cased, the rest kept) and ends in `FormData`: `birth-registration` →
`BirthRegistrationFormData`, `đăng-ký-kết-hôn` → `DangKyKetHonFormData`. A nested object
appends its property's PascalCase to its parent's name (`BirthRegistrationFormDataMother`).
An enum value joins its words upper-cased with `_` (`Nữ` → `NU`, `hộ khẩu` → `HO_KHAU`),
with a leading `_` when it would start with a digit (`1` → `_1`).
"""

from __future__ import annotations

import re
import unicodedata

SUFFIX = "FormData"
# Names the static schema owns: a form key may not produce them.
RESERVED = frozenset({"FormData", "UntypedFormData"})
GRAPHQL_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


def words(text: str) -> list[str]:
    """The ASCII words of `text`, by the rule above."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return [word for word in _SEPARATORS.split(plain) if word]


def pascal(text: str) -> str:
    return "".join(word[0].upper() + word[1:] for word in words(text))


def form_type_name(key: str) -> str:
    """`birth-registration` → `BirthRegistrationFormData`; a key starting with a digit
    gets `Form` in front (`01-xyz` → `Form01XyzFormData`), as a name may not."""
    name = pascal(key)
    if not name or name[0].isdigit():
        name = "Form" + name
    return name + SUFFIX


def nested_type_name(parent: str, prop: str) -> str:
    return parent + pascal(prop)


def enum_value_name(value: str) -> str | None:
    """The GraphQL name of an enum value; None when it has no ASCII letter or digit."""
    joined = "_".join(word.upper() for word in words(value))
    if not joined:
        return None
    return "_" + joined if joined[0].isdigit() else joined


def is_graphql_name(name: str) -> bool:
    """A name GraphQL accepts as a field, and does not keep for itself (`__…`)."""
    return bool(GRAPHQL_NAME.match(name)) and not name.startswith("__")
