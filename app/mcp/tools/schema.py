"""JSON schemas for tools: pydantic input models flattened for clients, output schema helpers.

Several MCP clients do not follow ``$ref``, so input schemas are inlined; property titles are
dropped because the descriptions say more in fewer tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

JsonSchema = dict[str, Any]


class ToolInput(BaseModel):
    """Base of every tool's arguments: unknown arguments and loose types are refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


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


def input_schema(model: type[BaseModel]) -> JsonSchema:
    """Return the model's JSON schema with ``$ref``s inlined and titles removed.

    Args:
        model: A :class:`ToolInput` subclass (its models must not be recursive).
    """
    raw = model.model_json_schema()
    flat: JsonSchema = _inline(raw, raw.get("$defs", {}))
    flat["type"] = "object"
    flat.setdefault("properties", {})
    return flat


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
