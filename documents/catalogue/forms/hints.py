"""Display hints against their form's schema: pointers with `*` and through `$ref`,
the checks a draft's hints must pass, and the labelled options of a field."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from referencing import Registry
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from documents.catalogue.forms.definition import DisplayHints, FieldHint, OptionHint, Widget
from documents.common.errors import DomainError, ErrorCode

if TYPE_CHECKING:
    # Public as `Registry.resolver()`'s return type, exported only from here.
    from referencing._core import Resolver

EVERY_ITEM = "*"
_BRANCHES = ("allOf", "anyOf", "oneOf")
_CONDITIONAL = ("then", "else")
_BASE_URI = "urn:motcua:form"
# A `$ref` chain longer than this is a loop (`a` → `b` → `a`), not a schema.
_MAX_REFS = 32

Located = tuple[dict[str, Any], "Resolver[Any]"]


def parts_of(pointer: str) -> list[str]:
    """The reference tokens of an RFC 6901 pointer (`~1` is `/`, `~0` is `~`)."""
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]


def _resolver(schema: dict[str, Any]) -> Resolver[Any]:
    resource = DRAFT202012.create_resource(schema)
    return Registry().with_resource(_BASE_URI, resource).resolver(_BASE_URI)


def _expanded(node: Any, resolver: Resolver[Any], depth: int = 0) -> Iterator[Located]:
    """`node` and every subschema that also applies at its place: `$ref` targets and
    the branches of `allOf`, `anyOf`, `oneOf`, `then`, `else`."""
    if not isinstance(node, dict) or depth > _MAX_REFS:
        return
    if isinstance(node.get("$id"), str):
        resolver = resolver.in_subresource(DRAFT202012.create_resource(node))
    yield node, resolver
    ref = node.get("$ref")
    if isinstance(ref, str):
        try:
            target = resolver.lookup(ref)
        except Unresolvable:
            pass  # a reference that goes nowhere declares nothing
        else:
            yield from _expanded(target.contents, target.resolver, depth + 1)
    for keyword in _BRANCHES:
        for branch in node.get(keyword) or []:
            yield from _expanded(branch, resolver, depth + 1)
    for keyword in _CONDITIONAL:
        yield from _expanded(node.get(keyword), resolver, depth + 1)


def schemas_at(schema: dict[str, Any], pointer: str) -> list[dict[str, Any]]:
    """Every subschema describing the value at `pointer` in the form data; empty if
    the schema declares no such field. `*` steps into every item of an array."""
    if not pointer.startswith("/"):
        return []
    here: list[Located] = list(_expanded(schema, _resolver(schema)))
    for part in parts_of(pointer):
        children: list[Located] = []
        for node, resolver in here:
            if part == EVERY_ITEM:
                found = [node.get("items"), *(node.get("prefixItems") or [])]
            else:
                properties = node.get("properties")
                found = [properties.get(part)] if isinstance(properties, dict) else []
            for child in found:
                children.extend(_expanded(child, resolver))
        here = children
    return [node for node, _ in here]


def allowed_values(nodes: list[dict[str, Any]]) -> list[tuple[Any, str | None]]:
    """The values a field may take, each with the schema's `title` for it: `const`
    (as in `oneOf` of `const` + `title`) and `enum`, in the schema's order."""
    found: list[tuple[Any, str | None]] = []
    for node in nodes:
        if "const" in node:
            title = node.get("title")
            found.append((node["const"], title if isinstance(title, str) else None))
        for value in node.get("enum") or []:
            found.append((value, None))
    unique: dict[str, tuple[Any, str | None]] = {}
    for value, title in found:
        previous = unique.get(repr(value))
        unique[repr(value)] = (value, title or (previous[1] if previous else None))
    return list(unique.values())


def options_of(schema: dict[str, Any], hint: FieldHint) -> list[OptionHint]:
    """The field's options with their labels: the hint's, else the schema's titles."""
    labelled = {repr(option.value): option for option in hint.options}
    options: list[OptionHint] = []
    for value, title in allowed_values(schemas_at(schema, hint.pointer)):
        option = labelled.get(repr(value))
        if option is not None:
            options.append(option)
        elif title is not None:
            options.append(OptionHint(value=value, label_vi=title))
    return options


def _refused(message: str, field: str) -> DomainError:
    return DomainError(ErrorCode.INVALID_SCHEMA, message, field)


def _check_field(schema: dict[str, Any], hint: FieldHint, at: str) -> None:
    nodes = schemas_at(schema, hint.pointer)
    if not nodes:
        raise _refused(f"hint {hint.pointer!r} names no field of the schema", f"{at}.pointer")
    allowed = {repr(value) for value, _ in allowed_values(nodes)}
    for option in hint.options:
        if repr(option.value) not in allowed:
            raise _refused(
                f"hint {hint.pointer!r} labels an option the schema does not allow",
                f"{at}.options",
            )
    if hint.widget in (Widget.SELECT, Widget.RADIO) and not allowed:
        raise _refused(
            f"hint {hint.pointer!r}: a {hint.widget.value} widget needs an enum or oneOf of const",
            f"{at}.widget",
        )
    types = {t for node in nodes for t in _types(node)}
    if hint.widget in (Widget.TEXT, Widget.TEXTAREA, Widget.DATE) and types - {"string"}:
        raise _refused(
            f"hint {hint.pointer!r}: a {hint.widget.value} widget needs a string field",
            f"{at}.widget",
        )
    if (hint.widget is Widget.FILE) != (hint.paper_slot is not None):
        raise _refused(
            f"hint {hint.pointer!r}: the file widget and paperSlot go together", f"{at}.paperSlot"
        )
    if hint.profile_attribute and EVERY_ITEM in parts_of(hint.pointer):
        raise _refused(
            f"hint {hint.pointer!r}: a profile attribute is one value, not every item",
            f"{at}.profileAttribute",
        )


def _types(node: dict[str, Any]) -> list[str]:
    declared = node.get("type")
    if isinstance(declared, str):
        return [declared]
    return [t for t in declared if isinstance(t, str)] if isinstance(declared, list) else []


def _pointer_to(name: str) -> str:
    return "/" + name.replace("~", "~0").replace("/", "~1")


def check_hints(schema: dict[str, Any], hints: DisplayHints) -> None:
    """Raise INVALID_SCHEMA, naming the hint, unless every hint fits the schema:
    its pointer names a declared field (through arrays and `$ref` too), its options
    are values the field allows, its widget suits the field, and each section and
    the order name declared fields."""
    seen: set[str] = set()
    for index, hint in enumerate(hints.fields):
        at = f"hints.fields.{index}"
        if hint.pointer in seen:
            raise _refused(f"hint {hint.pointer!r} is given twice", f"{at}.pointer")
        seen.add(hint.pointer)
        _check_field(schema, hint, at)
    for name in hints.order:
        if name != EVERY_ITEM and not schemas_at(schema, _pointer_to(name)):
            raise _refused(f"order names {name!r}, no field of the schema", "hints.order")
    keys: set[str] = set()
    placed: set[str] = set()
    for index, section in enumerate(hints.sections):
        at = f"hints.sections.{index}"
        if section.key in keys:
            raise _refused(f"section {section.key!r} is given twice", f"{at}.key")
        keys.add(section.key)
        for pointer in section.fields:
            if not schemas_at(schema, pointer):
                raise _refused(
                    f"section {section.key!r} names {pointer!r}, no field of the schema",
                    f"{at}.fields",
                )
            if pointer in placed:
                raise _refused(f"{pointer!r} is in two sections", f"{at}.fields")
            placed.add(pointer)
