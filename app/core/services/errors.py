"""Errors the services raise for expected situations; ``str(error)`` is a sentence to act on.

Order Desk failures keep their own :class:`~app.core.orderdesk.OrderDeskError` classes (their
messages never contain the API key). The errors here describe what the services themselves
refuse: unknown or ambiguous stores, conflicts, duplicate writes, impossible change sets.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.core.errors import Conflict, DatabaseBusy, ExpectedError, InvalidChange, NotFound


class ServiceError(ExpectedError):
    """Base of every service error; the message is meant for a user or a model."""


class StoreNotFoundError(ServiceError, NotFound):
    """No registered store matches the given name or id.

    Attributes:
        suggestions: Names of stores that look similar (may be empty).
    """

    def __init__(self, message: str, suggestions: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.suggestions = tuple(suggestions)


class AmbiguousStoreError(ServiceError):
    """Several registered stores match the given name.

    Attributes:
        candidates: The names that matched.
    """

    def __init__(self, candidates: Sequence[str]) -> None:
        self.candidates = tuple(candidates)
        super().__init__(
            f"That store name matches several stores: {', '.join(self.candidates)}.",
            "Use the exact name or the store's id.",
        )


class StoreExistsError(ServiceError, Conflict):
    """A store with that name is already registered."""


class MissingCredentialsError(ServiceError):
    """The store's API key is not in the secret store (removed, or another keychain)."""


class FolderNotFoundError(ServiceError, NotFound):
    """A folder name or id does not exist in the store."""


class IndexDisabledError(ServiceError):
    """The store keeps no local order index (a real store while the setting is off)."""


class InvalidChangeError(ServiceError, InvalidChange, ValueError):
    """A change set asks for something an update cannot do (e.g. edit a read-only field)."""


class OrderConflict(ServiceError, Conflict):
    """The record changed since the caller read it; nothing was written.

    Attributes:
        record_id: The order (or inventory item) id.
        expected: The ``date_updated`` the caller based its change on.
        current: The ``date_updated`` found now.
        changed_fields: Field paths that changed since (empty when unknown).
    """

    def __init__(
        self,
        record_id: str,
        expected: str,
        current: str,
        changed_fields: Sequence[str] = (),
        kind: str = "order",
    ) -> None:
        self.record_id = record_id
        self.expected = expected
        self.current = current
        self.changed_fields = tuple(changed_fields)
        what = f"; changed since: {', '.join(self.changed_fields)}" if self.changed_fields else ""
        super().__init__(
            f"{kind.capitalize()} {record_id} changed since it was read (read version"
            f" {expected}, now {current}{what}). Nothing was written; read it again and"
            " re-apply the change."
        )


class DuplicateWriteError(ServiceError, Conflict):
    """An identical write was made moments ago; it was not repeated."""


class RevertError(ServiceError):
    """An audit event cannot be reverted (wrong kind, unknown id, nothing to undo)."""


class WriteNotRecorded(ServiceError, DatabaseBusy):
    """The write ledger could not record a write's intent, so the write was not sent.

    Attributes:
        write: The write that was not sent, e.g. ``shipment.add``.
        target: What it would have changed, e.g. ``order:123``.
    """

    def __init__(self, write: str, target: str | None) -> None:
        self.write = write
        self.target = target
        where = f" on {target}" if target else ""
        super().__init__(
            f"Nothing was sent to Order Desk: the app's database is busy (another program is"
            f" writing to it), so this write ({write}{where}) could not be recorded first.",
            DatabaseBusy.default_action,
        )


class AlreadyApplied(DuplicateWriteError):
    """An identical write was applied moments ago; its first result is returned, not resent.

    Attributes:
        entry_id: The ledger row of the first write.
        result: The first write's result, rebuilt from the ledger (None when it has none).
    """

    def __init__(self, message: str, entry_id: int, result: object = None) -> None:
        super().__init__(message)
        self.entry_id = entry_id
        self.result = result


class WriteInDoubt(DuplicateWriteError):
    """An identical write is in flight, or its outcome is not known yet; nothing was sent."""


class WriteDenied(ServiceError):
    """The write was not approved (by the client's policy or the person at the tray); nothing
    was sent."""
