"""The version rule: one GraphQL type serves every version of a form key, and no two keys
share a type name.

A later version may add fields (every typed field is nullable, since older dossiers lack
them) and enum values, but a field may not change its type: publishing such a version is
refused, with a message that says to create a new key. A version whose schema cannot be
typed publishes all the same; the key's dossiers then answer `UntypedFormData`.
"""

from __future__ import annotations

from collections.abc import Sequence

from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.forms.shapes import Fields, Incompatible, Unmappable, merged, shape_of
from documents.catalogue.forms.type_names import RESERVED, form_type_name
from documents.common.errors import DomainError, ErrorCode


def key_shape(versions: Sequence[FormSchema]) -> Fields:
    """The shape serving every given version; Unmappable or Incompatible if none can."""
    shape = Fields(())
    for form in versions:
        joined = merged(shape, shape_of(form.json_schema))
        assert isinstance(joined, Fields)  # two objects merge into an object
        shape = joined
    return shape


def check_publishable(form: FormSchema, earlier: Sequence[FormSchema]) -> None:
    """Refuse `form` if a field it shares with an earlier typed version changes type."""
    try:
        before = key_shape(earlier)
        after = shape_of(form.json_schema)
    except (Unmappable, Incompatible):
        return  # untyped before or after: the key answers UntypedFormData, nothing breaks
    try:
        merged(before, after)
    except Incompatible as change:
        raise DomainError(
            ErrorCode.INVALID_SCHEMA,
            f"field {change.pointer} was {change.before} in earlier versions of form "
            f"{form.key!r} and is {change.after} here; a field may not change its type "
            "between versions: create a new form key for this schema",
            "id",
        ) from None


async def check_type_name_free(key: str) -> None:
    """Refuse a new key whose GraphQL type name another key, or the schema, already has."""
    name = form_type_name(key)
    if name in RESERVED:
        raise DomainError(
            ErrorCode.ALREADY_EXISTS,
            f"form key {key!r} would be typed {name}, a name the schema keeps; choose another key",
            "key",
        )
    for other in await FormSchema.distinct("key"):
        if other != key and form_type_name(other) == name:
            raise DomainError(
                ErrorCode.ALREADY_EXISTS,
                f"form key {key!r} would be typed {name}, as form key {other!r} is; "
                "choose another key",
                "key",
            )
