"""What a route handler receives: the store, path parameters, query and body."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from app.sandbox.errors import bad_request
from app.sandbox.store import SandboxStore

Payload = dict[str, Any]
TRUE_WORDS = ("1", "true", "yes", "on")


@dataclass
class Call:
    """One API call as a handler sees it."""

    store: SandboxStore
    query: dict[str, str] = field(default_factory=dict)
    raw_body: bytes = b""
    params: dict[str, str] = field(default_factory=dict)

    def body(self) -> Any:
        """Return the parsed JSON body.

        Raises:
            ApiError: 400 when the body is missing or not valid JSON.
        """
        if not self.raw_body.strip():
            raise bad_request("Request body must be JSON")
        try:
            return json.loads(self.raw_body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise bad_request(f"Invalid JSON in request body: {error}") from None

    def flag(self, name: str) -> bool:
        """Return True when query parameter ``name`` is set to a true word (``1``, ``true``)."""
        return self.query.get(name, "").strip().lower() in TRUE_WORDS
