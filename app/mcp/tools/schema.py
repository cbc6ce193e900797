"""JSON schemas for tools: pydantic input models flattened for clients, output schema helpers.

Several MCP clients do not follow ``$ref``, so input schemas are inlined; property titles are
dropped because the descriptions say more in fewer tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, model_validator

JsonSchema = dict[str, Any]


class ToolInput(BaseModel):
    """Base of every tool's arguments, lenient where a model's guess is unambiguous.

    Numeric text is taken for numbers (``limit: "5"``), numbers for text (an id sent as
    ``123``), and an enum value in any case (``detail: "FULL"``). Unknown arguments and
    anything else that does not fit are still refused, with a sentence naming the argument.
    Validators are built at first use (``defer_build``): a read answered before the rest of
    the server is loaded builds only its own tool's.
    """

    model_config = ConfigDict(
        extra="forbid", frozen=True, coerce_numbers_to_str=True, defer_build=True
    )

    @model_validator(mode="before")
    @classmethod
    def _enum_case(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        fixed = dict(data)
        for name, info in cls.model_fields.items():
            value = fixed.get(name)
            if isinstance(value, str):
                fixed[name] = _choice(value, literal_values(info.annotation))
        return fixed


def literal_values(annotation: Any) -> tuple[str, ...]:
    """The string values of a ``Literal`` inside ``annotation`` (through Optional/Annotated)."""
    if get_origin(annotation) is Literal:
        return tuple(value for value in get_args(annotation) if isinstance(value, str))
    found: list[str] = []
    for inner in get_args(annotation):
        found.extend(literal_values(inner))
    return tuple(found)


def _choice(value: str, choices: tuple[str, ...]) -> str:
    """``value`` as written in ``choices`` when it matches one ignoring case (and spaces)."""
    if not choices or value in choices:
        return value
    wanted = value.strip().casefold()
    return next((choice for choice in choices if choice.casefold() == wanted), value)


def _inline(node: Any, defs: Mapping[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = _inline(defs[ref.removeprefix("#/$defs/")], defs)
            rest = {k: _inline(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **rest}
        return {
            key: _inline(value, defs)
            for key, value in node.items()
            if key != "$defs" and not (key == "title" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_inline(item, defs) for item in node]
    return node


_NULL = {"type": "null"}
LONG_TEXT = 100
"""Text bounds from this length up are not advertised (they are still checked): they cost
tokens in every tool and no model writes a 100-character name by accident."""
LARGE_NUMBER = 100_000
"""Likewise for numeric maxima from this size up (a quantity, an offset)."""
_UNSAID_DEFAULTS: tuple[Any, ...] = (None, False, 0, "")
"""Defaults that say what leaving an argument out means anyway (no filter, off, the start);
the server instructions say so once."""


def _unsaid_default(node: dict[str, Any]) -> bool:
    """True when ``node``'s default is one a model assumes when it omits the argument."""
    if "default" not in node:
        return False
    value = node["default"]
    return any(
        value is unsaid or (type(value) is type(unsaid) and value == unsaid)
        for unsaid in _UNSAID_DEFAULTS
    )


def _compact(node: Any) -> Any:
    """Say the same in fewer tokens: an optional ``X | None`` is just ``X`` (omitting it is how
    a model leaves it out), no default that omitting says anyway (null, false, 0, empty text),
    no ``minLength``/``minItems`` of 1 or very large bounds, and a model's own docstring is
    dropped (the tool's description says it). The input model still checks all of them."""
    if isinstance(node, list):
        return [_compact(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _compact(value) for key, value in node.items()}
    options = node.get("anyOf")
    if isinstance(options, list) and _NULL in options:
        rest = [option for option in options if option != _NULL]
        if len(rest) == 1 and isinstance(rest[0], dict):
            outer = {key: value for key, value in node.items() if key != "anyOf"}
            node = {**rest[0], **outer}
    if _unsaid_default(node):
        del node["default"]
    for key in ("minLength", "minItems"):
        if node.get(key) == 1:
            del node[key]
    if node.get("maxLength", 0) >= LONG_TEXT:
        del node["maxLength"]
    if node.get("maximum", 0) >= LARGE_NUMBER:
        del node["maximum"]
    if node.get("type") == "object" and "properties" in node:
        node.pop("description", None)
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]  # unknown arguments are still refused
    return node


def input_schema(model: type[BaseModel]) -> JsonSchema:
    """Return the model's JSON schema, inlined, untitled and compact (see :func:`_compact`).

    Args:
        model: A :class:`ToolInput` subclass (its models must not be recursive).
    """
    raw = model.model_json_schema()
    flat: JsonSchema = _compact(_inline(raw, raw.get("$defs", {})))
    flat["type"] = "object"
    flat.setdefault("properties", {})
    return flat


def undescribed(node: Any) -> Any:
    """``node`` without its descriptions: for a shape whose fields another tool already
    describes (the tool's description points there)."""
    if isinstance(node, list):
        return [undescribed(item) for item in node]
    if not isinstance(node, dict):
        return node
    return {key: undescribed(value) for key, value in node.items() if key != "description"}


def output_schema(schema: JsonSchema) -> JsonSchema:
    """An output schema as ``tools/list`` shows it: an object and the keys it always has.

    The full shapes stay in the code (tests check results against them); clients only need
    to know the result is structured, and the nested detail cost ~650 tokens per session.
    """
    shown: JsonSchema = {"type": "object"}
    if schema.get("required"):
        shown["required"] = list(schema["required"])
    return shown


def obj(properties: Mapping[str, JsonSchema], required: tuple[str, ...] = ()) -> JsonSchema:
    """Build an object schema that allows extra keys (records vary by store)."""
    schema: JsonSchema = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    return schema


STRING: JsonSchema = {"type": "string"}
INTEGER: JsonSchema = {"type": "integer"}
BOOLEAN: JsonSchema = {"type": "boolean"}
RECORD: JsonSchema = {"type": "object"}
MONEY: JsonSchema = {"type": "string", "description": "Exact decimal amount as text."}
NULLABLE_INT: JsonSchema = {"type": ["integer", "null"]}
NULLABLE_STRING: JsonSchema = {"type": ["string", "null"]}


def list_of(item: JsonSchema) -> JsonSchema:
    """Array schema of ``item``."""
    return {"type": "array", "items": item}


PAGE: JsonSchema = obj(
    {
        "total": INTEGER,
        "returned": INTEGER,
        "offset": INTEGER,
        "next_offset": NULLABLE_INT,
        "hint": STRING,
    },
    ("total", "returned", "offset", "next_offset", "hint"),
)
STORE: JsonSchema = obj(
    {
        "id": INTEGER,
        "name": STRING,
        "orderdesk_store_id": STRING,
        "is_default": BOOLEAN,
        "is_active": BOOLEAN,
    },
    ("id", "name"),
)
