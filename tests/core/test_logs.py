"""Logging: JSON lines, rotation, permissions, idempotence and redaction everywhere."""

from __future__ import annotations

import json
import logging
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.core import logs
from app.core.logs import REDACTED, redact, register_secret, setup_logging, teardown_logging

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
log = logging.getLogger("app.test")

API_KEY = "k3y-7f2c9a0e5b1d4e8f"
CLIENT_TOKEN = "odt_" + "Zx9_Yw8-" * 5 + "abc"
CARD = "4111 1111 1111 1111"


@pytest.fixture(autouse=True)
def clean_logging() -> Iterator[None]:
    """Every test starts and ends without our handlers or registered secrets."""
    teardown_logging()
    logs.clear_secrets()
    yield
    teardown_logging()
    logs.clear_secrets()


def _flush() -> None:
    for handler in logs.owned_handlers():
        handler.flush()


def _lines(path: Path) -> list[dict[str, Any]]:
    _flush()
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def _file_text(path: Path) -> str:
    _flush()
    return path.read_text("utf-8")


def test_writes_json_lines_with_extras(data_home: Path) -> None:
    path = setup_logging()
    assert path == data_home / "logs" / "orderdesk-tray.log"
    log.info("order %s moved", 42, extra={"store_id": 7, "folder": "Shipped"})
    (line,) = _lines(path)
    assert line["level"] == "INFO"
    assert line["logger"] == "app.test"
    assert line["message"] == "order 42 moved"
    assert line["store_id"] == 7
    assert line["folder"] == "Shipped"
    assert line["time"].endswith("Z")


def test_extras_never_overwrite_the_core_fields(data_home: Path) -> None:
    path = setup_logging()
    log.warning("hello", extra={"level": "fake", "time": "then"})
    (line,) = _lines(path)
    assert line["level"] == "WARNING"
    assert line["extra.level"] == "fake"
    assert line["extra.time"] == "then"


def test_setup_twice_adds_no_duplicate_handlers(data_home: Path) -> None:
    path = setup_logging()
    setup_logging()
    assert len(logs.owned_handlers()) == 1
    log.warning("once")
    assert [line["message"] for line in _lines(path)] == ["once"]


def test_teardown_closes_and_removes_handlers(data_home: Path) -> None:
    setup_logging(stderr=True)
    handlers = logs.owned_handlers()
    assert len(handlers) == 2
    teardown_logging()
    assert logs.owned_handlers() == []
    assert all(h not in logging.getLogger().handlers for h in handlers)
    file_handler = handlers[0]
    assert isinstance(file_handler, logging.FileHandler)
    assert file_handler.stream is None


def test_teardown_restores_the_root_level(data_home: Path) -> None:
    root = logging.getLogger()
    before = root.level
    setup_logging("DEBUG")
    assert root.level == logging.DEBUG
    setup_logging("ERROR")
    teardown_logging()
    assert root.level == before


@pytest.mark.parametrize(
    ("env", "level", "expected"),
    [
        (None, None, logging.INFO),
        (None, "warning", logging.WARNING),
        (None, logging.ERROR, logging.ERROR),
        ("DEBUG", "WARNING", logging.DEBUG),
        ("nonsense", "ERROR", logging.ERROR),
        ("nonsense", None, logging.INFO),
    ],
)
def test_level_from_env_then_setting(
    monkeypatch: pytest.MonkeyPatch, env: str | None, level: str | int | None, expected: int
) -> None:
    if env is not None:
        monkeypatch.setenv(logs.LEVEL_ENV, env)
    assert logs.resolve_level(level) == expected


def test_level_filters_the_file(data_home: Path) -> None:
    path = setup_logging("WARNING")
    log.info("quiet")
    log.warning("loud")
    assert [line["message"] for line in _lines(path)] == ["loud"]


def test_rotation_keeps_five_backups(data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 400)
    path = setup_logging()
    for number in range(200):
        log.info("line %d %s", number, "x" * 50)
    teardown_logging()
    rotated = sorted(p.name for p in path.parent.iterdir())
    assert rotated == ["orderdesk-tray.log"] + [f"orderdesk-tray.log.{n}" for n in range(1, 6)]
    for file in path.parent.iterdir():
        assert file.stat().st_size <= 400 + 200


@posix_only
def test_log_files_are_user_only(data_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 300)
    path = setup_logging()
    for number in range(20):
        log.info("line %d %s", number, "y" * 60)
    teardown_logging()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    files = list(path.parent.iterdir())
    assert len(files) > 1
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file


@posix_only
def test_an_existing_loose_log_file_is_tightened(data_home: Path) -> None:
    path = logs.log_file_path()
    path.write_text("")
    path.chmod(0o644)
    setup_logging()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# -- redaction ----------------------------------------------------------------------------------

REDACTION_CASES = [
    ("Authorization: Bearer abc.def-123456", "abc.def-123456"),
    ('{"Authorization": "Basic dXNlcjpwYXNz"}', "dXNlcjpwYXNz"),
    ("sent with bearer eyJhbGciOi.payload.sig", "eyJhbGciOi.payload.sig"),
    ("ORDERDESK-API-KEY: sk_9f8e7d6c5b", "sk_9f8e7d6c5b"),
    ("headers {'orderdesk-api-key': 'sk_9f8e7d6c5b'}", "sk_9f8e7d6c5b"),
    (f"client presented {CLIENT_TOKEN}", CLIENT_TOKEN),
    ("GET /x?api_key=abc123def&limit=5", "abc123def"),
    ("token=t0k3nvalue", "t0k3nvalue"),
    ("password: hunter2222", "hunter2222"),
    ('passphrase="correct horse battery"', "correct horse battery"),
    ('{"token": "t0k3nvalue", "n": 1}', "t0k3nvalue"),
    ('payload {\\"api_key\\": \\"abc123def\\"}', "abc123def"),
    ("cc_number=5500005555555559 ok", "5500005555555559"),
    (f"card {CARD} charged", CARD),
    ("card 4111-1111-1111-1111 charged", "4111-1111-1111-1111"),
    ("amex 378282246310005", "378282246310005"),
    ('{"cvv": "737", "cvc": 123}', "737"),
    ("cvc=4567 cvv2: 321", "4567"),
]


@pytest.mark.parametrize(("text", "secret"), REDACTION_CASES)
def test_redact_removes_each_pattern(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert REDACTED in cleaned
    assert redact(cleaned) == cleaned  # a second handler's pass changes nothing


@pytest.mark.parametrize(
    "text",
    [
        "order 1234567890123 has 3 items",  # 13 digits, not a card (Luhn)
        "X-Tokens-Remaining: 18, max_tokens=5",
        "date 2024-01-01 12:00:00 total 19.99",
        "store_id=5 folder=Shipped",
    ],
)
def test_redact_leaves_ordinary_text(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(("text", "secret"), REDACTION_CASES)
def test_each_pattern_is_redacted_in_the_file(data_home: Path, text: str, secret: str) -> None:
    path = setup_logging()
    log.warning("as message: " + text)
    log.warning("as argument: %s", text)
    log.warning("as extra", extra={"detail": text, "nested": {"list": [text]}})
    assert secret not in _file_text(path)
    assert len(_lines(path)) == 3


def test_secret_named_extras_are_redacted_whole(data_home: Path) -> None:
    path = setup_logging()
    log.info("saving", extra={"api_key": "plainvalue1", "payload": {"password": "pw-9999"}})
    (line,) = _lines(path)
    assert line["api_key"] == REDACTED
    assert line["payload"] == {"password": REDACTED}


def test_registered_secret_is_redacted_everywhere(data_home: Path) -> None:
    register_secret(API_KEY)
    path = setup_logging()
    log.info("key is " + API_KEY)
    log.info("key is %s", API_KEY)
    log.info("extra", extra={"config": {"k": API_KEY}, "items": [f"x{API_KEY}y"]})
    try:
        raise RuntimeError(f"Order Desk refused {API_KEY}")
    except RuntimeError:
        log.exception("call failed")
    log.info("stack", stack_info=True, extra={"note": API_KEY})
    text = _file_text(path)
    assert API_KEY not in text
    assert text.count(REDACTED) >= 6


def test_short_secrets_are_ignored() -> None:
    register_secret("ab")
    register_secret("")
    register_secret(None)
    assert redact("abc cab") == "abc cab"


def test_forget_secret() -> None:
    register_secret("plain-secret-42")
    assert redact("plain-secret-42") == REDACTED
    logs.forget_secret("plain-secret-42")
    assert redact("plain-secret-42") == "plain-secret-42"


@pytest.mark.parametrize(("text", "secret"), REDACTION_CASES)
def test_exception_tracebacks_are_redacted(data_home: Path, text: str, secret: str) -> None:
    path = setup_logging()
    try:
        try:
            raise KeyError(text)
        except KeyError as inner:
            raise ValueError("wrapped") from inner
    except ValueError:
        log.exception("request failed")
    (line,) = _lines(path)
    assert "KeyError" in line["exception"]
    assert "ValueError: wrapped" in line["exception"]
    assert secret not in _file_text(path)


def test_stderr_output_is_redacted(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    register_secret(API_KEY)
    setup_logging(stderr=True)
    log.warning("using %s with Authorization: Bearer abcdef123456", API_KEY)
    try:
        raise OSError(API_KEY)
    except OSError:
        log.error("boom", exc_info=True)
    err = capsys.readouterr().err
    assert "using [redacted] with Authorization: [redacted]" in err
    assert "OSError: [redacted]" in err
    assert API_KEY not in err


def test_a_broken_format_string_does_not_raise() -> None:
    record = logging.makeLogRecord({"msg": "two %s %s", "args": (f"only-one {API_KEY}",)})
    register_secret(API_KEY)
    assert logs.RedactionFilter().filter(record) is True
    line = json.loads(logs.JsonLineFormatter().format(record))
    assert "only-one" in line["message"]
    assert API_KEY not in line["message"]


def test_unserialisable_extras_become_text(data_home: Path) -> None:
    class Thing:
        def __str__(self) -> str:
            return f"Thing(api_key={API_KEY})"

    path = setup_logging()
    log.info("thing", extra={"thing": Thing()})
    (line,) = _lines(path)
    assert line["thing"] == f"Thing(api_key={REDACTED})"
