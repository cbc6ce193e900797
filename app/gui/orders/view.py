"""What the order browser's parts may ask of the window, and tell it: a small interface.

The parts (:mod:`.actions`, :mod:`.indexing`, :mod:`.presenter`) receive this, never the window
class, so nothing in the package imports :mod:`.window` back (the window composes the parts).
"""

from __future__ import annotations

from typing import Protocol

from app.core.services import StoreRecord


class BrowserView(Protocol):
    """The window as its parts see it: which store is shown, and a line for the user."""

    folders: dict[int, str]
    """The shown store's folders (id to name)."""

    @property
    def store_key(self) -> str | None:
        """Our id of the store shown (None before stores load)."""
        ...

    def current_store(self) -> StoreRecord | None:
        """The store shown (None before stores load)."""
        ...

    def show_error(self, text: str) -> None:
        """Show a sentence in the status bar (progress, results, expected problems)."""
        ...
