"""resource_path: the icons are package data of app.resources in every kind of install."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.resources import ResourceNotFound, resource_path, resource_root

REPO = Path(__file__).resolve().parents[1]
PACKAGE_RESOURCES = REPO / "app" / "resources"


def test_resources_live_in_the_package() -> None:
    assert resource_root() == PACKAGE_RESOURCES
    svg = resource_path("icons/orderdesk-tray.svg")
    assert svg == PACKAGE_RESOURCES / "icons" / "orderdesk-tray.svg"


@pytest.mark.parametrize("name", ["/etc/passwd", "../pyproject.toml", "icons/../../app", ""])
def test_names_must_stay_inside_resources(name: str) -> None:
    with pytest.raises(ValueError, match="relative paths inside resources"):
        resource_path(name)


def test_missing_file_names_itself() -> None:
    with pytest.raises(ResourceNotFound, match=r"icons/nothing\.png"):
        resource_path("icons/nothing.png")
