"""A GraphQL type per form key, generated from its published JSON Schemas at build time.

`form_data_types(forms, taken)` turns the numbered versions of every form into one object
type per key (named by documents/catalogue/forms/type_names.py, shaped by shapes.py) and the
`FormData` union of them all with `UntypedFormData`. A key whose schema cannot be typed, or
whose names clash with the schema's, is left out with a warning: its dossiers answer
`UntypedFormData`. Values are read from the data the viewer may see (masked when the
viewer may not see sensitive fields); a value that does not fit its type, as a masked date
or number, answers null.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.scalars import JSON
from strawberry.types.union import StrawberryUnion

from documents.catalogue.forms.compatibility import key_shape
from documents.catalogue.forms.definition import FormSchema
from documents.catalogue.forms.shapes import (
    Enum,
    Fields,
    Incompatible,
    Items,
    Scalar,
    Shape,
    Unmappable,
)
from documents.catalogue.forms.type_names import enum_value_name, form_type_name, nested_type_name
from schema.core.global_ids import derived_id
from schema.core.scalars import as_json

INT32 = 2**31


@dataclass(frozen=True)
class At:
    """Where a value sits: its dossier's code and its JSON pointer in the form data."""

    owner: str
    pointer: str = ""

    def child(self, step: str | int) -> At:
        return At(self.owner, f"{self.pointer}/{step}")


Convert = Callable[[Any, At], Any]


@strawberry.type(description="Form data whose form has no GraphQL type of its own.")
class UntypedFormData:
    id: strawberry.ID = strawberry.field(
        description="A stable id for caches, from the dossier's code (not a node)."
    )
    json: JSON = strawberry.field(description="The form data, as `Dossier.data`.")


def form_data_union(types: Iterable[type]) -> StrawberryUnion:
    members = (UntypedFormData, *types)
    return StrawberryUnion(
        name="FormData",
        type_annotations=tuple(StrawberryAnnotation(t) for t in members),
        description="A dossier's form data: the form key's own type (`<Key>FormData`), or "
        "`UntypedFormData` for a form whose schema cannot be typed.",
    )


STATIC_FORM_DATA = form_data_union(())


@dataclass
class FormDataTypes:
    union: StrawberryUnion
    by_key: dict[str, type] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)


def _scalar(name: str) -> tuple[Any, Convert]:
    def text(v: Any, _: At) -> Any:
        return v if isinstance(v, str) else None

    def whole(v: Any, _: At) -> Any:
        fits = isinstance(v, int) and not isinstance(v, bool) and -INT32 <= v < INT32
        return v if fits else None

    def number(v: Any, _: At) -> Any:
        return float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None

    def truth(v: Any, _: At) -> Any:
        return v if isinstance(v, bool) else None

    def parsed(kind: type[date] | type[datetime]) -> Convert:
        def convert(v: Any, _: At) -> Any:
            try:
                return kind.fromisoformat(v) if isinstance(v, str) else None
            except ValueError:  # a masked value
                return None

        return convert

    table: dict[str, tuple[Any, Convert]] = {
        "String": (str, text),
        "Int": (int, whole),
        "Float": (float, number),
        "Boolean": (bool, truth),
        "Date": (date, parsed(date)),
        "DateTime": (datetime, parsed(datetime)),
    }
    return table[name]


@dataclass
class _Raw:
    # The object's JSON: each field reads its value when asked, so a query for 3 fields
    # of 700 converts 3 (bench/form_data.py).
    raw: strawberry.Private[dict[str, Any]]
    at: strawberry.Private[At]


def _reader(prop: str, convert: Convert, of: Any) -> Callable[..., Any]:
    def read(root: _Raw) -> Any:
        return convert(root.raw.get(prop), root.at.child(prop))

    read.__annotations__ = {"root": _Raw, "return": of | None}
    return read


def _id_field(type_name: str) -> Any:
    def read(root: _Raw) -> strawberry.ID:
        return derived_id(type_name, root.at.owner, root.at.pointer)

    read.__annotations__ = {"root": _Raw, "return": strawberry.ID}
    return strawberry.field(
        resolver=read,
        description="A stable id for caches, from the dossier's code and this object's JSON "
        "pointer in the form data (not a node: `node(id:)` does not answer it).",
    )


class _Builder:
    def __init__(self, form: FormSchema, taken: set[str]) -> None:
        self.labels = {hint.pointer: hint.label_vi for hint in form.hints.fields}
        self.options = {
            hint.pointer: {o.value: o.label_vi for o in hint.options if isinstance(o.value, str)}
            for hint in form.hints.fields
        }
        self.taken = taken
        self.names: set[str] = set()

    def name(self, name: str) -> str:
        if name in self.taken or name in self.names:
            raise Unmappable(f"the type name {name} is already taken")
        self.names.add(name)
        return name

    def shape(self, name: str, shape: Shape, pointer: str) -> tuple[Any, Convert]:
        if isinstance(shape, Scalar):
            return _scalar(shape.name)
        if isinstance(shape, Enum):
            return self.enum(self.name(name), shape, pointer)
        if isinstance(shape, Items):
            of, convert = self.shape(name, shape.of, pointer + "/*")

            def items(v: Any, at: At) -> Any:
                if not isinstance(v, list):
                    return None
                return [convert(item, at.child(n)) for n, item in enumerate(v)]

            listed: Any = list
            return listed[of | None], items
        return self.object(self.name(name), shape, pointer)

    def enum(self, name: str, shape: Enum, pointer: str) -> tuple[Any, Convert]:
        labels = self.options.get(pointer, {})
        members = {
            enum_value_name(v) or "": strawberry.enum_value(
                v, description=f"{labels[v]} (`{v}`)" if v in labels else f"The value `{v}`."
            )
            for v in shape.values
        }
        python = enum.Enum(name, members)  # type: ignore[misc]
        gql = strawberry.enum(python, name=name, description=f"The values of `{pointer}`.")
        by_value = {m.value: m for m in gql}
        return gql, lambda v, _: by_value.get(v) if isinstance(v, str) else None

    def object(
        self, name: str, shape: Fields, pointer: str, title: str | None = None
    ) -> tuple[Any, Convert]:
        namespace: dict[str, Any] = {"id": _id_field(name)}
        for index, (prop, child) in enumerate(shape.fields):
            where = f"{pointer}/{prop}"
            of, convert = self.shape(nested_type_name(name, prop), child, where)
            label = self.labels.get(where) or f"`{where}` of the form data."
            namespace[f"f{index}"] = strawberry.field(
                resolver=_reader(prop, convert, of), name=prop, description=label
            )
        if len(namespace) == 1:
            raise Unmappable(f"{pointer or '/'}: an object with no properties cannot be typed")
        cls = strawberry.type(
            type(name, (_Raw,), namespace),
            name=name,
            description=title or f"`{pointer}` of the form data.",
        )

        def build(value: Any, at: At) -> Any:
            return cls(raw=value, at=at) if isinstance(value, dict) else None

        return cls, build


def form_data_types(forms: Sequence[FormSchema], taken: set[str]) -> FormDataTypes:
    """One type per key of the numbered `forms`; `taken` are the static schema's names."""
    types = FormDataTypes(STATIC_FORM_DATA)
    ordered = sorted(forms, key=lambda f: (f.key, f.version or 0))
    for key, group in itertools.groupby(ordered, key=lambda f: f.key):
        versions = list(group)
        newest = versions[-1]
        try:
            builder = _Builder(newest, taken)
            name = form_type_name(key)
            cls, build = builder.object(
                builder.name(name), key_shape(versions), "", f"Form {key!r}: {newest.title}"
            )
        except (Unmappable, Incompatible) as reason:
            types.warnings[key] = (
                f"form {key!r} cannot be typed in GraphQL ({reason}): "
                "Dossier.formData answers UntypedFormData { json } for its dossiers"
            )
            continue
        cls.__form_build__ = build
        taken |= builder.names
        types.by_key[key] = cls
    types.union = form_data_union(types.by_key.values()) if types.by_key else STATIC_FORM_DATA
    return types


def typed_form_data(info_schema: Any, key: str, data: Any, owner: str) -> Any:
    """The data of dossier `owner` as its key's type in the running schema, else
    UntypedFormData."""
    definition = info_schema.get_type_by_name(form_type_name(key))
    build = getattr(getattr(definition, "origin", None), "__form_build__", None)
    if build is None:
        return UntypedFormData(id=derived_id("UntypedFormData", owner), json=as_json(data))
    return build(data, At(owner))
