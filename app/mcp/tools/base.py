"""What every tool is made of, and the per-call context its handler receives."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from app.core.errors import ExpectedError
from app.mcp.tools.schema import JsonSchema, ToolInput, input_schema, output_schema

if TYPE_CHECKING:
    import mcp_types as types

InputT = TypeVar("InputT", bound=ToolInput)


class ToolError(ExpectedError):
    """An expected failure; its message is a sentence telling the model what to do."""


@dataclass(frozen=True)
class ToolOutput:
    """A tool's answer: structured content plus a one-line summary for the text channel."""

    data: dict[str, Any]
    summary: str


@dataclass(frozen=True)
class Access:
    """What a tool needs before it runs.

    Attributes:
        scope: The token scope the tool requires.
        write: True when the tool changes something (per-client write limit, pause, policy).
        store: True when the tool works on one store (``store`` argument or the active store).
    """

    scope: str
    write: bool = False
    store: bool = True


Handler = Callable[[Any, InputT], Awaitable[ToolOutput]]


@dataclass(frozen=True)
class ToolSpec(Generic[InputT]):
    """One MCP tool: its public definition plus the handler that runs it."""

    name: str
    title: str
    description: str
    params: type[InputT]
    output_schema: JsonSchema
    access: Access
    handler: Handler[InputT]
    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    open_world: bool = True

    def definition(self) -> types.Tool:
        """Return the tool as ``tools/list`` shows it, as the SDK's type."""
        import mcp_types as types

        return types.Tool.model_validate(self.wire())

    def wire(self) -> dict[str, Any]:
        """The tool as ``tools/list`` sends it (JSON; no SDK import: the stdio layer can list
        the tools before the SDK is loaded)."""
        tool: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "inputSchema": input_schema(self.params),
            "outputSchema": output_schema(self.output_schema),
        }
        hints = self.annotations()
        if hints:
            tool["annotations"] = hints
        return tool

    def annotations(self) -> dict[str, bool]:
        """The hints that differ from the MCP defaults (read-only false, destructive true,
        idempotent false, open-world true); a client reads the others as those defaults.

        Destructive and idempotent mean nothing for a read-only tool, so it gets neither. A
        tool with only default hints (destructive, not idempotent) lists none at all.
        """
        writes = not self.read_only
        hints = {
            "readOnlyHint": True if self.read_only else None,
            "destructiveHint": False if writes and not self.destructive else None,
            "idempotentHint": True if writes and self.idempotent else None,
            "openWorldHint": False if not self.open_world else None,
        }
        return {name: value for name, value in hints.items() if value is not None}


def reader(
    name: str,
    title: str,
    description: str,
    params: type[InputT],
    output: JsonSchema,
    handler: Handler[InputT],
    *,
    store: bool = True,
    open_world: bool = True,
) -> ToolSpec[InputT]:
    """Build a read-only tool (``read`` scope, idempotent, not destructive)."""
    return ToolSpec(
        name=name,
        title=title,
        description=description,
        params=params,
        output_schema=output,
        access=Access("read", store=store),
        handler=handler,
        read_only=True,
        idempotent=True,
        open_world=open_world,
    )


def writer(
    name: str,
    title: str,
    description: str,
    params: type[InputT],
    output: JsonSchema,
    handler: Handler[InputT],
    *,
    scope: str,
    destructive: bool,
    idempotent: bool,
    store: bool = True,
) -> ToolSpec[InputT]:
    """Build a tool that changes a store (a write scope, limits, pause and policy apply)."""
    return ToolSpec(
        name=name,
        title=title,
        description=description,
        params=params,
        output_schema=output,
        access=Access(scope, write=True, store=store),
        handler=handler,
        destructive=destructive,
        idempotent=idempotent,
    )
