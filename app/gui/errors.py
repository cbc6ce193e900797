"""Sentences for expected errors, and which errors count as expected (no crash dialog)."""

from __future__ import annotations

from app.core.orderdesk import AuthError, NetworkError, OrderDeskError, RequestTimeout
from app.core.secrets import SecretStoreError
from app.core.services.errors import ServiceError
from app.core.settings import SettingError

EXPECTED_ERRORS: tuple[type[Exception], ...] = (
    OrderDeskError,
    ServiceError,
    SecretStoreError,
    SettingError,
    ValueError,
    OSError,
)
"""Environment trouble and refused input: shown where they happen with a sentence."""


def is_expected(error: BaseException) -> bool:
    """True when ``error`` gets a sentence rather than the crash dialog."""
    return isinstance(error, EXPECTED_ERRORS)


def user_message(error: BaseException) -> str:
    """A sentence the user can act on (never includes an API key)."""
    if isinstance(error, AuthError):
        return f"Order Desk rejected the store ID or API key. {error.describe_hint()}"
    if isinstance(error, NetworkError | RequestTimeout):
        return (
            "Order Desk could not be reached. Check the internet connection (and the API URL, "
            f"if you set one), then try again. ({error.message})"
        )
    if isinstance(error, OrderDeskError):
        text = error.message.rstrip(".") + "."
        hint = error.describe_hint()
        return f"{text} {hint}".strip()
    if isinstance(error, SecretStoreError):
        return error.user_message
    text = str(error).strip()
    return text or type(error).__name__
