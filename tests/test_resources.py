"""resource_path: the repo's resources/ from source, sys._MEIPASS/resources when frozen."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app import resources
from app.resources import ResourceNotFound, resource_path, resource_root

REPO = Path(__file__).resolve().parents[1]


def test_source_checkout_uses_the_repo_resources_folder() -> None:
    assert resource_root() == REPO / "resources"
    assert resource_path("icons/orderdesk-tray.svg") == REPO / "resources/icons/orderdesk-tray.svg"


def test_frozen_bundle_uses_meipass(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    icon = tmp_path / "resources" / "icons" / "orderdesk-tray.ico"
    icon.parent.mkdir(parents=True)
    icon.write_bytes(b"\0")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.is_frozen()
    assert resource_path("icons/orderdesk-tray.ico") == icon
    with pytest.raises(ResourceNotFound, match="reinstall"):
        resource_path("icons/orderdesk-tray.svg")


@pytest.mark.parametrize("name", ["/etc/passwd", "../pyproject.toml", "icons/../../app", ""])
def test_names_must_stay_inside_resources(name: str) -> None:
    with pytest.raises(ValueError, match="relative paths inside resources"):
        resource_path(name)


def test_missing_file_names_itself() -> None:
    with pytest.raises(ResourceNotFound, match=r"icons/nothing\.png"):
        resource_path("icons/nothing.png")
