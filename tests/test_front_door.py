"""One front door: both faces reach every ability through the same ``Services`` call.

The test reads the code (no engine needed): for each MCP tool in the registry and each GUI
action it names the facade methods the handler calls (``services.<part>.<method>``, through
local aliases and the module's own helpers), then checks, per ability both faces offer, that
the GUI and MCP call the same one, and that neither face reaches past the facade's parts.
"""

from __future__ import annotations

import ast
import inspect
import typing
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from app.core.engine import ANY_THREAD_MARK
from app.core.services.container import FACADE_PARTS, Services
from app.mcp.tools import all_tools

ROOT = Path(__file__).resolve().parents[1]

ABILITIES = [
    # ability, GUI action (file, qualified name), MCP tool, the facade method both call
    ("list stores", ("app/gui/orders/source.py", "OrderSource.load_stores"), "stores_list",
     "stores.list"),
    ("a store's folders", ("app/gui/orders/source.py", "OrderSource.folders"), "store_info",
     "stores.info"),
    ("register a store", ("app/gui/stores/form.py", "StoreFormDialog.save"), "stores_register",
     "stores.register"),
    ("remove a store", ("app/gui/stores/dialog.py", "StoreManagerDialog.confirm_remove"),
     "stores_delete", "stores.delete"),
    ("list orders live", ("app/gui/orders/source.py", "OrderSource._api_page"), "orders_list",
     "orders.list"),
    ("read one order", ("app/gui/orders/source.py", "OrderSource.order"), "orders_get",
     "orders.get"),
    ("search the local index", ("app/gui/orders/source.py", "OrderSource._index_page"),
     "orders_search", "local_orders.search"),
    ("count from the local index", ("app/gui/orders/source.py", "OrderSource.folder_counts"),
     "orders_stats", "local_orders.stats"),
    ("edit an order", ("app/gui/orders/actions.py", "OrderActions.edit_address"),
     "orders_update", "orders.update"),
    ("move an order", ("app/gui/orders/actions.py", "OrderActions.move_order"), "orders_move",
     "orders.move"),
    ("add a shipment", ("app/gui/orders/actions.py", "OrderActions.add_shipment"),
     "shipments_add", "orders.add_shipment"),
    ("add a history note", ("app/gui/orders/actions.py", "OrderActions.add_note"),
     "order_history_add", "orders.add_note"),
    ("delete an order", ("app/gui/orders/actions.py", "OrderActions.delete_order"),
     "orders_delete", "orders.delete"),
]  # fmt: skip


# -- reading the code ------------------------------------------------------------------------


@cache
def _functions(path: Path) -> dict[str, ast.AST]:
    """Every function and method of a module by name (``Class.method`` and bare ``method``)."""
    tree = ast.parse(path.read_text())
    found: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                    found[f"{node.name}.{item.name}"] = item
                    found.setdefault(item.name, item)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found[node.name] = node
    return found


def _chain(expr: ast.expr, aliases: dict[str, str]) -> str | None:
    """``services``, ``services.part`` or ``services.part.method`` for an expression, if any."""
    if isinstance(expr, ast.Name):
        return aliases.get(expr.id)
    if isinstance(expr, ast.Attribute):
        if expr.attr == "services":
            return "services"
        base = _chain(expr.value, aliases)
        return None if base is None else f"{base}.{expr.attr}"
    return None


def _aliases(function: ast.AST) -> dict[str, str]:
    """Local names bound to the facade or one of its parts (``orders = ...services.orders``)."""
    aliases: dict[str, str] = {}
    for node in ast.walk(function):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        pairs: list[tuple[ast.expr, ast.expr]] = [(target, value)]
        if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            pairs = list(zip(target.elts, value.elts, strict=False))
        for name, expr in pairs:
            chain = _chain(expr, aliases)
            if isinstance(name, ast.Name) and chain is not None:
                aliases[name.id] = chain
    return aliases


def facade_calls(path: Path, name: str) -> set[str]:
    """The ``part.method`` calls a function makes on the facade, with the module's helpers
    (functions and ``self.`` methods of the same module) it calls, transitively."""
    functions, calls, seen = _functions(path), set[str](), set[str]()

    def visit(current: str) -> None:
        if current in seen or current not in functions:
            return
        seen.add(current)
        function = functions[current]
        aliases = _aliases(function)
        for node in ast.walk(function):
            if not isinstance(node, ast.Call):
                continue
            chain = _chain(node.func, aliases)
            if chain is not None and chain.count(".") == 2:
                calls.add(chain.removeprefix("services."))
            helper = node.func
            if isinstance(helper, ast.Name):
                visit(helper.id)
            elif isinstance(helper, ast.Attribute) and _is_self(helper.value):
                visit(helper.attr)

    visit(name)
    return calls


def _is_self(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Name) and expr.id == "self"


def tool_calls(tool: Any) -> set[str]:
    """The facade methods an MCP tool's handler calls."""
    handler = tool.handler
    return facade_calls(Path(inspect.getfile(handler)), handler.__name__)


# -- the checks ------------------------------------------------------------------------------


def test_the_map_of_abilities_is_complete() -> None:
    tools = {tool.name for tool in all_tools()}
    assert {tool for _, _, tool, _ in ABILITIES} <= tools
    for _, (file, name), _, _ in ABILITIES:
        assert name in _functions(ROOT / file), f"{file}: no {name}"


@pytest.mark.parametrize(
    ("ability", "gui", "tool", "method"), ABILITIES, ids=[a[0] for a in ABILITIES]
)
def test_both_faces_make_the_same_call(
    ability: str, gui: tuple[str, str], tool: str, method: str
) -> None:
    (spec,) = [candidate for candidate in all_tools() if candidate.name == tool]
    gui_calls = facade_calls(ROOT / gui[0], gui[1])
    mcp_calls = tool_calls(spec)
    assert method in gui_calls, f"GUI {gui[1]} ({ability}) calls {sorted(gui_calls)}"
    assert method in mcp_calls, f"MCP {tool} ({ability}) calls {sorted(mcp_calls)}"


def test_every_tool_goes_through_the_facade_parts() -> None:
    """Every tool that touches the engine does so through a facade part, named here."""
    used = {tool.name: tool_calls(tool) for tool in all_tools()}
    outside = {
        name: sorted(call for call in calls if call.split(".")[0] not in FACADE_PARTS)
        for name, calls in used.items()
    }
    assert {name: calls for name, calls in outside.items() if calls} == {}
    assert sorted(name for name, calls in used.items() if not calls) == []  # each names one


def test_the_gui_calls_only_facade_parts() -> None:
    """No GUI module reaches past the facade (the engine proxy would refuse it at run time)."""
    outside = []
    for path in sorted((ROOT / "app" / "gui").rglob("*.py")):
        for name in _functions(path):
            for call in facade_calls(path, name):
                if call.split(".")[0] not in FACADE_PARTS:
                    outside.append(f"{path.relative_to(ROOT)}:{name}: {call}")
    assert outside == []


def test_the_gui_calls_only_what_the_engine_proxy_hops() -> None:
    """Every facade method the GUI calls is a coroutine (or marked safe from any thread), so
    the proxy never refuses one at run time, however rarely its window is opened."""
    parts = typing.get_type_hints(Services)
    refused = []
    for path in sorted((ROOT / "app" / "gui").rglob("*.py")):
        for name in _functions(path):
            for call in facade_calls(path, name):
                part, method = call.split(".")
                target = getattr(parts[part], method)
                if not (inspect.iscoroutinefunction(target) or getattr(target, ANY_THREAD_MARK, 0)):
                    refused.append(f"{path.relative_to(ROOT)}:{name}: {call}")
    assert refused == []
