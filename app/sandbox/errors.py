"""The error a sandbox handler raises to answer with a JSON error body."""

from __future__ import annotations


class ApiError(Exception):
    """An Order Desk style error: HTTP status plus a human readable message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def not_found(kind: str, ident: object) -> ApiError:
    """Return the 404 error for an unknown record."""
    return ApiError(404, f"{kind} {ident} not found")


def bad_request(message: str) -> ApiError:
    """Return a 400 error with ``message``."""
    return ApiError(400, message)
