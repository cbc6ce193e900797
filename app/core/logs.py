"""Logging: a private rotating JSON-lines file, optional stderr, and redaction on every handler.

:func:`setup_logging` is idempotent: it replaces the handlers it added before, so calling it
again (for instance once the database has the ``log.level`` setting) never duplicates lines.
Every handler carries a :class:`RedactionFilter`, which scrubs the message, its arguments, extra
fields, exception tracebacks and stack traces before any handler formats them:

* ``Authorization`` / ``ORDERDESK-API-KEY`` header values and ``Bearer`` tokens;
* client tokens (``odt_...``, see :mod:`app.core.db.tokens`);
* values of keys named like ``api_key``, ``token``, ``password``, ``passphrase``, ``secret``,
  ``cc_number``, ``card_number``, ``cvv``/``cvc`` in ``key=value``, ``key: value`` and JSON form;
* card numbers: 13 to 19 digits (spaces or dashes allowed) that pass the Luhn check;
* every exact value registered with :func:`register_secret` (an API key once it is known).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from app.core import paths

LOG_FILE_NAME = "orderdesk-tray.log"
MAX_BYTES = 2 * 1024 * 1024
BACKUP_COUNT = 5
LEVEL_ENV = "ORDERDESK_TRAY_LOG_LEVEL"
DEFAULT_LEVEL = logging.INFO
REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4
"""Shorter registered values are ignored: redacting "ab" everywhere would wreck the log."""

_OWNED = "_orderdesk_tray_handler"
_saved_root_level: int | None = None
_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# -- redaction ----------------------------------------------------------------------------------

_SENSITIVE_NAMES = (
    r"api[_-]?key|token|password|passwd|passphrase|secret|secret[_-]?key|private[_-]?key"
    r"|access[_-]?key|authorization|cc[_-]?number|card[_-]?number|cvv2?|cvc2?|security[_-]?code"
)
_SENSITIVE_FIELD = re.compile(rf"(?i)[\w.-]*?(?:{_SENSITIVE_NAMES})")
_QUOTE = r"\\*[\"']"  # a quote, maybe escaped (JSON inside a string, a repr of one)
_NOT_YET_REDACTED = rf"(?!(?:{_QUOTE})?\[redacted\])"
_AUTH_HEADER = re.compile(
    rf"(?i)\b((?:proxy-)?authorization(?:{_QUOTE})?\s*[:=]\s*(?:{_QUOTE})?)"
    + _NOT_YET_REDACTED
    + r"(?:(?:bearer|basic|token|digest)\s+)?[^\s\"',;\\]+"
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+" + _NOT_YET_REDACTED + r"[A-Za-z0-9._~+/=-]{6,}")
_CLIENT_TOKEN = re.compile(r"\bodt_[A-Za-z0-9_-]{16,}")
_KEY_VALUE = re.compile(
    rf"(?i)(?P<key>\b[\w.-]*?(?:{_SENSITIVE_NAMES})(?:{_QUOTE})?\s*[:=]\s*)"
    + _NOT_YET_REDACTED
    + r"(?P<value>\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'"
    + r"|(?P<esc>\\+[\"']).*?(?P=esc)"
    + r"|[^\s,;&}\])\"'\\]+)"
)
_CARD_CANDIDATE = re.compile(r"(?<![\d.])\d(?:[ -]?\d){12,18}(?![\d.])")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _redact_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return REDACTED if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group(0)


def _redact_key_value(match: re.Match[str]) -> str:
    quote = re.match(_QUOTE, match.group("value"))
    edge = quote.group(0) if quote else ""
    return f"{match.group('key')}{edge}{REDACTED}{edge}"


class _SecretRegistry:
    """Exact secret values known at runtime, matched longest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def add(self, value: str) -> None:
        with self._lock:
            self._values.add(value)
            self._compile()

    def discard(self, value: str) -> None:
        with self._lock:
            self._values.discard(value)
            self._compile()

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._pattern = None

    def _compile(self) -> None:
        ordered = sorted(self._values, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def scrub(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub(REDACTED, text) if pattern is not None else text


_SECRETS = _SecretRegistry()


def register_secret(value: str | None) -> None:
    """Redact every exact occurrence of ``value`` from now on (values under 4 chars ignored)."""
    if value and len(value) >= MIN_SECRET_LENGTH:
        _SECRETS.add(value)


def forget_secret(value: str) -> None:
    """Stop redacting ``value`` specially (patterns still apply), e.g. after a key is removed."""
    _SECRETS.discard(value)


def clear_secrets() -> None:
    """Forget every registered secret (tests)."""
    _SECRETS.clear()


def redact(text: str) -> str:
    """Return ``text`` with every known secret and secret-looking value replaced."""
    text = _SECRETS.scrub(text)
    text = _BEARER.sub(rf"\1 {REDACTED}", text)
    text = _AUTH_HEADER.sub(rf"\1{REDACTED}", text)
    text = _CLIENT_TOKEN.sub(REDACTED, text)
    text = _KEY_VALUE.sub(_redact_key_value, text)
    return _CARD_CANDIDATE.sub(_redact_card, text)


def is_secret_key(name: str) -> bool:
    """Return True if a field called ``name`` holds a secret (``api_key``, ``cvv``, ...)."""
    return _SENSITIVE_FIELD.fullmatch(name) is not None


def redact_value(value: Any, key: str | None = None) -> Any:
    """Return ``value`` (an extra field, maybe nested) with secrets removed.

    Args:
        value: A string, number, mapping, sequence or any object (rendered with ``str``).
        key: The field name; a secret-sounding name redacts the whole value.
    """
    if key is not None and is_secret_key(key) and value is not None:
        return REDACTED
    if isinstance(value, str):
        return redact(value)
    if value is None or isinstance(value, bool | int | float):
        return value if redact(str(value)) == str(value) else REDACTED
    if isinstance(value, Mapping):
        return {str(k): redact_value(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(item) for item in value]
    return redact(str(value))


_TRACEBACK_FORMATTER = logging.Formatter()


class RedactionFilter(logging.Filter):
    """Scrubs a record in place: message and args, extras, traceback and stack text."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact ``record``; never drops it."""
        try:
            _redact_record(record)
        except Exception:  # a log line must never crash the caller
            record.msg, record.args = "[log message dropped: redaction failed]", None
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def _redact_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:
        message = f"{record.msg!r} % {record.args!r}"
    record.msg, record.args = redact(message), None
    for key, value in list(vars(record).items()):
        if key not in _STANDARD_ATTRS and not key.startswith("_"):
            setattr(record, key, redact_value(value, key))
    if record.exc_info and not record.exc_text:
        record.exc_text = _TRACEBACK_FORMATTER.formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)


# -- formatting and handlers --------------------------------------------------------------------


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """Return the fields a caller passed with ``extra=``."""
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD_ATTRS and not key.startswith("_")
    }


class JsonLineFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, thread, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record`` as a single JSON line."""
        stamp = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        payload: dict[str, Any] = {
            "time": stamp.replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "thread": record.threadName,
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            payload[f"extra.{key}" if key in payload else key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            payload["exception"] = record.exc_text
        if record.stack_info:
            payload["stack"] = record.stack_info
        return json.dumps(payload, default=str, ensure_ascii=False)


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating file handler whose files are created readable by the owner only."""

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        stream = os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)
        if sys.platform != "win32":
            os.chmod(self.baseFilename, 0o600)
        return stream


def log_file_path() -> Path:
    """Return the current log file (in :func:`app.core.paths.log_dir`)."""
    return paths.log_dir() / LOG_FILE_NAME


def resolve_level(level: str | int | None = None) -> int:
    """Pick the log level: ``ORDERDESK_TRAY_LOG_LEVEL`` wins, then ``level``, then INFO.

    Unknown names fall back to INFO.
    """
    for candidate in (os.environ.get(LEVEL_ENV), level):
        if candidate is None or candidate == "":
            continue
        if isinstance(candidate, int):
            return candidate
        named = logging.getLevelName(candidate.strip().upper())
        if isinstance(named, int):
            return named
    return DEFAULT_LEVEL


def _own(handler: logging.Handler) -> logging.Handler:
    handler.addFilter(RedactionFilter())
    setattr(handler, _OWNED, True)
    return handler


def setup_logging(level: str | int | None = None, stderr: bool = False) -> Path:
    """Send the app's logs to a private rotating JSON-lines file (and optionally stderr).

    Calling it again replaces the handlers it added, so it never duplicates output.

    Args:
        level: The configured level (the ``log.level`` setting); the environment overrides it.
        stderr: Also write human-readable lines to stderr.

    Returns:
        The path of the log file.
    """
    global _saved_root_level
    teardown_logging()
    path = log_file_path()
    handlers: list[logging.Handler] = [
        PrivateRotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    ]
    handlers[0].setFormatter(JsonLineFormatter())
    if stderr:
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handlers.append(console)
    root = logging.getLogger()
    for handler in handlers:
        root.addHandler(_own(handler))
    _saved_root_level = root.level
    root.setLevel(resolve_level(level))
    # httpx logs every request line at INFO; our own DEBUG line per request says more.
    quiet = logging.DEBUG if root.level <= logging.DEBUG else logging.WARNING
    logging.getLogger("httpx").setLevel(quiet)
    return path


def owned_handlers() -> list[logging.Handler]:
    """Return the root handlers :func:`setup_logging` installed."""
    return [h for h in logging.getLogger().handlers if getattr(h, _OWNED, False)]


def teardown_logging() -> None:
    """Remove and close every handler :func:`setup_logging` installed; restore the root level."""
    global _saved_root_level
    root = logging.getLogger()
    for handler in owned_handlers():
        root.removeHandler(handler)
        handler.close()
    if _saved_root_level is not None:
        root.setLevel(_saved_root_level)
        _saved_root_level = None
