"""macOS packaging, read from the files (the build itself only runs on a Mac): the .app
launches the tray, stays out of the Dock without being background-only, is signed with the
entitlements file, and build.sh checks the built Info.plist."""

from __future__ import annotations

import ast
import plistlib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "orderdesk-tray.spec"
ENTITLEMENTS = REPO / "packaging" / "macos" / "entitlements.plist"
BUILD_SH = REPO / "packaging" / "macos" / "build.sh"


def spec_call(name: str) -> ast.Call:
    """The one call of ``name(...)`` in the spec (it is Python)."""
    calls = [
        node
        for node in ast.walk(ast.parse(SPEC.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]
    assert len(calls) == 1, f"expected one {name}() in the spec"
    return calls[0]


def keyword(call: ast.Call, name: str) -> ast.expr:
    return next(kw.value for kw in call.keywords if kw.arg == name)


def info_plist() -> dict[str, object]:
    """The BUNDLE's info_plist; entries that are not literals (the version) are left out."""
    node = keyword(spec_call("BUNDLE"), "info_plist")
    assert isinstance(node, ast.Dict)
    return {
        ast.literal_eval(key): value.value
        for key, value in zip(node.keys, node.values, strict=True)
        if key is not None and isinstance(value, ast.Constant)
    }


def test_bundle_launches_the_tray_as_a_menu_bar_app() -> None:
    plist = info_plist()
    assert plist["CFBundleExecutable"] == "orderdesk-tray"
    assert plist["LSUIElement"] is True
    assert plist["LSBackgroundOnly"] is False


def test_both_executables_are_signed_with_the_entitlements_file() -> None:
    source = SPEC.read_text(encoding="utf-8")
    assert 'ENTITLEMENTS = str(PACKAGING / "macos" / "entitlements.plist")' in source
    exe = spec_call("EXE")  # one EXE call, in executable(), used for both programs
    assert ast.unparse(keyword(exe, "entitlements_file")) == "ENTITLEMENTS"
    assert ast.unparse(keyword(exe, "codesign_identity")) == "SIGN_IDENTITY"
    assert 'os.environ.get("SIGN_IDENTITY")' in source


def test_entitlements_relax_nothing_and_say_why() -> None:
    text = ENTITLEMENTS.read_text(encoding="utf-8")
    entitlements = plistlib.loads(ENTITLEMENTS.read_bytes())
    assert set(entitlements) == {
        "com.apple.security.cs.allow-unsigned-executable-memory",
        "com.apple.security.cs.disable-library-validation",
        "com.apple.security.cs.allow-jit",
        "com.apple.security.cs.allow-dyld-environment-variables",
    }
    assert not any(entitlements.values())
    for key in entitlements:  # each decision is explained in the file's comment
        assert f"{key.rsplit('.', 1)[-1]} = false" in text


def test_build_script_checks_the_built_plist() -> None:
    script = BUILD_SH.read_text(encoding="utf-8")
    assert 'plutil -lint "$PLIST"' in script
    for check in (
        "expect CFBundleExecutable orderdesk-tray",
        "expect LSUIElement true",
        "expect LSBackgroundOnly false",
    ):
        assert check in script
    assert '"$MCP" --selftest' in script and '"$TRAY" --selftest' in script
    # the hardened runtime comes only with a real identity (through the spec), never ad hoc
    assert "--options runtime" not in script
