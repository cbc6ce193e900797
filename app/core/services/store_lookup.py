"""Finding a store from what a user or a model typed (pure function).

Order of tries: our id, exact name (case-insensitive), Order Desk store id, then fuzzy: names
containing the query, or close to it (difflib ratio >= 0.6). One fuzzy hit resolves; several
raise :class:`AmbiguousStoreError`; none raise :class:`StoreNotFoundError` with suggestions.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from app.core.services.errors import AmbiguousStoreError, StoreNotFoundError
from app.core.services.records import StoreRecord

FUZZY_CUTOFF = 0.6
SUGGEST_CUTOFF = 0.3


def find_store(query: str | int, stores: Sequence[StoreRecord]) -> StoreRecord:
    """Pick the one store ``query`` means.

    Args:
        query: Our id, a name, an Order Desk store id, or part of a name.
        stores: Every registered store.

    Raises:
        StoreNotFoundError: Nothing matches (with the closest names as suggestions).
        AmbiguousStoreError: Several stores match.
    """
    if not stores:
        raise StoreNotFoundError("No store is registered yet; add one with its Order Desk API key.")
    text = str(query).strip()
    folded = text.casefold()
    for match in (
        [s for s in stores if text.isdigit() and s.id == int(text)],
        [s for s in stores if s.name.casefold() == folded],
        [s for s in stores if s.orderdesk_store_id == text],
    ):
        if len(match) == 1:
            return match[0]
        if len(match) > 1:
            raise AmbiguousStoreError([s.name for s in match])
    fuzzy = [s for s in stores if folded and _similar(folded, s.name.casefold())]
    if len(fuzzy) == 1:
        return fuzzy[0]
    if fuzzy:
        raise AmbiguousStoreError([s.name for s in fuzzy])
    raise _not_found(text, stores)


def _similar(query: str, name: str) -> bool:
    if query in name:
        return True
    return difflib.SequenceMatcher(None, query, name).ratio() >= FUZZY_CUTOFF


def _not_found(text: str, stores: Sequence[StoreRecord]) -> StoreNotFoundError:
    names = [s.name for s in stores]
    close = difflib.get_close_matches(text, names, n=3, cutoff=SUGGEST_CUTOFF)
    if close:
        hint = f" Did you mean {', '.join(close)}?"
    else:
        hint = f" Registered stores: {', '.join(sorted(names))}."
    return StoreNotFoundError(f"No store called {text!r}.{hint}", close)
