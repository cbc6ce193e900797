"""The release workflow (it runs only on GitHub's Windows and macOS runners; .ci/check lints
it with actionlint): what each job builds, tests and uploads, and that signing is optional."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = (REPO / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")


def job(name: str) -> str:
    """The text of one job (from its key to the next job's)."""
    match = re.search(rf"^  {name}:\n(.*?)(?=^  \w[\w-]*:\n|\Z)", WORKFLOW, re.M | re.S)
    assert match, name
    return match.group(1)


def test_windows_job_builds_selftests_compiles_the_installer_and_uploads_it() -> None:
    windows = job("windows")
    assert "runs-on: windows-latest" in windows
    assert "packaging\\windows\\build.ps1" in windows  # bundle, both self-tests, ISCC
    assert "Inno Setup 6\\ISCC.exe" in windows and "choco install innosetup" in windows
    assert "path: dist/OrderDeskTray-Setup-*.exe" in windows
    build_ps1 = (REPO / "packaging" / "windows" / "build.ps1").read_text(encoding="utf-8")
    assert '"orderdesk-mcp --selftest"' in build_ps1 and '"orderdesk-tray --selftest"' in build_ps1
    assert "installer.iss" in build_ps1


def test_macos_job_builds_with_the_checked_script_and_uploads_the_zip() -> None:
    macos = job("macos")
    assert "runs-on: macos-latest" in macos
    assert "bash packaging/macos/build.sh" in macos  # plist checks and both self-tests
    assert "path: dist/OrderDeskTray-*-macos-*.zip" in macos


def test_signing_steps_run_only_when_their_secrets_exist() -> None:
    for name, secret in (
        ("windows", "WINDOWS_CERT_PFX_BASE64"),
        ("macos", "MACOS_CERT_P12_BASE64"),
    ):
        text = job(name)
        assert f"HAVE_CERT: ${{{{ secrets.{secret} != '' }}}}" in text
        guarded = re.findall(r"- name: (.*)\n\s+if: (.*)", text)
        signing = [step for step in guarded if "ertificate" in step[0] or "otarize" in step[0]]
        assert signing and all("env.HAVE_CERT == 'true'" in cond for _step, cond in signing)
