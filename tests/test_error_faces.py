"""Every expected error reads the same in all three faces: MCP, the CLI and the GUI.

The list of expected errors is not kept by hand: every subclass of
:class:`app.core.errors.ExpectedError` in the ``app`` package is found by importing the package,
and each gets an example (built from one sentence, or taken from :data:`SPECIAL` when its
constructor needs more). A new expected error that cannot be built from a sentence fails
:func:`test_every_expected_error_has_an_example` until it is added to :data:`SPECIAL`.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import app
from app.commands import EXIT_FAILURE, run_command
from app.core.errors import DatabaseBusy, ExpectedError, expected_text
from app.gui.errors import is_expected, user_message
from app.mcp.tools.errors import known_error_message

SENTENCE = "Something expected happened."
SPECIAL: dict[str, ExpectedError] = {}
"""Examples for classes whose constructor takes more than a sentence (filled below)."""


def _special_examples() -> dict[str, ExpectedError]:
    from app.core.access.errors import SlowDown
    from app.core.db.migrations import SchemaTooNewError
    from app.core.index import IndexUnavailable
    from app.core.orderdesk import RateLimitedError
    from app.core.paths import UnsafeFolderError
    from app.core.services.errors import (
        AlreadyApplied,
        AmbiguousStoreError,
        OrderConflict,
        WriteNotRecorded,
    )

    examples: list[ExpectedError] = [
        SlowDown(2.5),
        SchemaTooNewError(9, 3),
        AmbiguousStoreError(["Acme Outfitters", "Acme Outlet"]),
        OrderConflict("7", "2026-01-01 10:00:00", "2026-01-01 10:05:00", ["email"]),
        RateLimitedError("Too many requests", retry_after=3, method="GET", path="/orders"),
        IndexUnavailable("the order index was closed or removed"),
        WriteNotRecorded("order.update", "order:7"),
        AlreadyApplied("Already added: shipment 7000599.", entry_id=3),
        UnsafeFolderError(Path("/tmp/odt-run"), "is a symbolic link"),
    ]
    return {_name(type(example)): example for example in examples}


def _name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _import_app() -> None:
    for module in pkgutil.walk_packages(app.__path__, "app."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)


def _subclasses(cls: type[ExpectedError]) -> Iterator[type[ExpectedError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def expected_classes() -> list[type[ExpectedError]]:
    """Every ExpectedError class the app defines (tests' own subclasses left out)."""
    _import_app()
    found = {
        _name(cls): cls for cls in _subclasses(ExpectedError) if cls.__module__.startswith("app.")
    }
    return [ExpectedError, *(found[name] for name in sorted(found))]


def example(cls: type[ExpectedError]) -> ExpectedError:
    """An instance of ``cls``: the special example, or one built from a sentence."""
    if not SPECIAL:
        SPECIAL.update(_special_examples())
    if _name(cls) in SPECIAL:
        return SPECIAL[_name(cls)]
    return cls(SENTENCE)


CLASSES = expected_classes()


def test_every_expected_error_has_an_example() -> None:
    assert len(CLASSES) > 40  # the app's ~50 expected conditions, found by import
    for cls in CLASSES:
        try:
            instance = example(cls)
        except TypeError as error:
            pytest.fail(f"{_name(cls)} needs an example in SPECIAL: {error}")
        assert type(instance) is cls


def _cli_text(error: BaseException, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> str:
    """What ``orderdesk-mcp stores list`` prints when the store service raises ``error``."""
    import app.commands.stores as stores_command

    def failing(_work: object) -> object:
        raise error

    monkeypatch.setattr(stores_command, "_run", failing)
    assert run_command(["stores", "list"]) == EXIT_FAILURE
    err: str = capsys.readouterr().err
    assert err.startswith("orderdesk-mcp: ") and err.endswith("\n")
    return err.removeprefix("orderdesk-mcp: ").removesuffix("\n")


@pytest.mark.parametrize("cls", CLASSES, ids=_name)
def test_all_three_faces_show_the_same_sentence_and_action(
    cls: type[ExpectedError], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    error = example(cls)
    text = expected_text(error)
    assert text == str(error) and text.startswith(error.sentence) and text.endswith(error.action)
    assert text.rstrip().endswith((".", "?", "!", ")")), text
    assert is_expected(error) and user_message(error) == text  # GUI
    assert _cli_text(error, monkeypatch, capsys) == text  # CLI
    mcp = known_error_message(error)  # MCP: the same text, then maybe a hint naming a tool
    assert mcp is not None and mcp.startswith(text)


def test_a_busy_database_reads_the_same_everywhere(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    locked = sqlite3.OperationalError("database is locked")
    text = str(DatabaseBusy())
    assert user_message(locked) == text and known_error_message(locked) == text
    assert _cli_text(locked, monkeypatch, capsys) == text


@pytest.mark.parametrize("bug", [ValueError("bad"), OSError("disk"), KeyError("k")])
def test_a_bug_is_not_an_expected_error_in_any_face(
    bug: Exception, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    assert not is_expected(bug)
    assert known_error_message(bug) is None
    with pytest.raises(type(bug)):
        _cli_text(bug, monkeypatch, capsys)
