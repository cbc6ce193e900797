"""``python -m app.sandbox`` runs in the foreground and prints its base URL."""

from __future__ import annotations

import signal
import subprocess
import sys

import httpx

from tests.sandbox.conftest import auth_headers


def test_module_serves_until_terminated() -> None:
    command = [
        sys.executable,
        "-m",
        "app.sandbox",
        "--orders",
        "25",
        "--port",
        "0",
        "--store-id",
        "777",
        "--api-key",
        "cli-key",
        "--no-rate-limit",
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        try:
            assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/v2")
            response = httpx.get(f"{base_url}/orders", headers=auth_headers("777", "cli-key"))
            assert response.json()["total_records"] == 25
            assert response.headers["X-Tokens-Remaining"] == "20"
        finally:
            proc.send_signal(signal.SIGTERM)
            _, errors = proc.communicate(timeout=20)
    assert proc.returncode == 0, errors
    assert "25 orders generated" in errors
