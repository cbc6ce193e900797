"""The remembered ``initialize`` answers of ``serve --stdio`` (see :mod:`.early`). Stdlib only."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_FILE = "mcp-handshake.json"


def sdk_versions() -> str:
    """The installed MCP SDK's distribution versions, read from their metadata folder names
    (no import: ``importlib.metadata`` alone costs ~30 ms)."""
    spec = importlib.util.find_spec("mcp")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations:
        return "mcp unknown"
    site = Path(locations[0]).parent
    names = sorted(p.name for p in site.glob("mcp*.dist-info"))
    return " ".join(name.removesuffix(".dist-info") for name in names) or "mcp unknown"


class HandshakeCache:
    """The server's ``initialize`` results by requested protocol version, in one JSON file.

    Args:
        path: The file (in the data folder).
        key: What the answers depend on (app and SDK versions); a file written under another
            key answers nothing and is replaced by the next :meth:`store`.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path, self.key = path, key
        self._answers: dict[str, dict[str, Any]] | None = None

    def load(self, requested: str) -> dict[str, Any] | None:
        """The result remembered for a client asking ``requested``, if any."""
        answer = self._read().get(requested)
        return dict(answer) if isinstance(answer, dict) else None

    def store(self, requested: str, result: dict[str, Any]) -> None:
        """Remember ``result`` for ``requested`` (atomic replace; a failure is only logged)."""
        answers = self._read()
        answers[requested] = result
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            temp.write_text(json.dumps({"key": self.key, "answers": answers}), "utf-8")
            os.replace(temp, self.path)
        except OSError as exc:
            log.warning("could not remember the MCP handshake in %s: %s", self.path, exc)

    def _read(self) -> dict[str, dict[str, Any]]:
        if self._answers is None:
            self._answers = {}
            with contextlib.suppress(OSError, ValueError):
                data = json.loads(self.path.read_text("utf-8"))
                if isinstance(data, dict) and data.get("key") == self.key:
                    answers = data.get("answers")
                    self._answers = dict(answers) if isinstance(answers, dict) else {}
        return self._answers


def initialize_request(line: str) -> tuple[str | int, str] | None:
    """``(id, requested protocol version)`` when ``line`` is a well-formed ``initialize``."""
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("method") != "initialize":
        return None
    request_id, params = message.get("id"), message.get("params")
    if message.get("jsonrpc") != "2.0" or not isinstance(params, dict):
        return None
    if isinstance(request_id, bool) or not isinstance(request_id, str | int):
        return None
    info, version = params.get("clientInfo"), params.get("protocolVersion")
    if not isinstance(version, str) or not isinstance(params.get("capabilities"), dict):
        return None
    if not isinstance(info, dict) or not all(
        isinstance(info.get(k), str) for k in ("name", "version")
    ):
        return None
    return request_id, version
