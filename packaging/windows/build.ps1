# Build OrderDesk Tray for Windows: venv, PyInstaller bundle, both self-tests, Setup.exe.
# Usage (PowerShell, from anywhere):  packaging\windows\build.ps1 [-SkipInstaller] [-Python py]
# Needs Python 3.11+ and, for the installer, Inno Setup 6 (ISCC.exe on PATH or in its default
# folder). Output: dist\orderdesk-tray\ and dist\OrderDeskTray-Setup-<version>.exe
# Signing (optional): with WINDOWS_SIGN_PFX (path of a .pfx code-signing certificate) and
# WINDOWS_SIGN_PASSWORD set, both executables and Setup.exe are signed with signtool (SHA-256,
# timestamped by WINDOWS_TIMESTAMP_URL when set); without them nothing is signed.
param(
    [switch]$SkipInstaller,
    [string]$Python = "py"
)
$ErrorActionPreference = "Stop"
Set-Location (Resolve-Path (Join-Path $PSScriptRoot "..\.."))

function Invoke-Checked {
    param([string]$What, [scriptblock]$Command)
    Write-Host "== $What"
    $watch = [Diagnostics.Stopwatch]::StartNew()
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
    Write-Host ("   {0}: {1:n1} s" -f $What, $watch.Elapsed.TotalSeconds)
}

$venvPython = ".venv\Scripts\python.exe"
if (-not (Test-Path $venvPython)) {
    $pythonArgs = if ($Python -eq "py") { @("-3.11") } else { @() }
    Invoke-Checked "create venv" { & $Python @pythonArgs -m venv .venv }
}
Invoke-Checked "install app and PyInstaller" {
    & $venvPython -m pip install -q --upgrade pip
    & $venvPython -m pip install -q -e ".[build]"
}
Invoke-Checked "version include" { & $venvPython packaging\windows\write_version_iss.py }
Invoke-Checked "PyInstaller bundle" {
    & $venvPython -m PyInstaller --noconfirm --distpath dist --workpath build\pyinstaller `
        packaging\orderdesk-tray.spec
}
$bundle = "dist\orderdesk-tray"
$sizeMb = (Get-ChildItem $bundle -Recurse -File | Measure-Object Length -Sum).Sum / 1MB
Write-Host ("   bundle: {0} ({1:n0} MB unpacked)" -f $bundle, $sizeMb)
Invoke-Checked "orderdesk-mcp --selftest" { & "$bundle\orderdesk-mcp.exe" --selftest }
# The tray is a windowed exe: PowerShell would not wait for it, and it has no console of its
# own, so run it to the end with its output sent to a file.
Invoke-Checked "orderdesk-tray --selftest" {
    $out = Join-Path $env:TEMP "orderdesk-tray-selftest.txt"
    $tray = Start-Process -FilePath "$bundle\orderdesk-tray.exe" -ArgumentList "--selftest" `
        -Wait -PassThru -NoNewWindow -RedirectStandardOutput $out
    Get-Content $out
    $global:LASTEXITCODE = $tray.ExitCode
}

function Find-SignTool {
    $found = (Get-Command signtool.exe -ErrorAction SilentlyContinue).Source
    if ($found) { return $found }
    $kits = Join-Path ${env:ProgramFiles(x86)} "Windows Kits\10\bin"
    Get-ChildItem $kits -Recurse -Filter signtool.exe -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match "\\x64\\" } | Sort-Object FullName |
        Select-Object -Last 1 -ExpandProperty FullName
}

function Invoke-Signing {
    param([string[]]$Files)
    if (-not $env:WINDOWS_SIGN_PFX) { Write-Host "   not signed (WINDOWS_SIGN_PFX is not set)"; return }
    $signtool = Find-SignTool
    if (-not $signtool) { throw "signtool.exe (Windows SDK) was not found" }
    $options = @("sign", "/f", $env:WINDOWS_SIGN_PFX, "/p", $env:WINDOWS_SIGN_PASSWORD, "/fd", "SHA256")
    if ($env:WINDOWS_TIMESTAMP_URL) { $options += @("/tr", $env:WINDOWS_TIMESTAMP_URL, "/td", "SHA256") }
    Invoke-Checked "sign $($Files.Count) file(s)" { & $signtool @options @Files }
}
Invoke-Signing @("$bundle\orderdesk-tray.exe", "$bundle\orderdesk-mcp.exe")

if ($SkipInstaller) { return }
$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) {
    foreach ($root in @(${env:ProgramFiles(x86)}, $env:ProgramFiles, "$env:LOCALAPPDATA\Programs")) {
        $candidate = Join-Path $root "Inno Setup 6\ISCC.exe"
        if ($root -and (Test-Path $candidate)) { $iscc = $candidate; break }
    }
}
if (-not $iscc) {
    throw "ISCC.exe (Inno Setup 6) was not found. Install it (winget install JRSoftware.InnoSetup) or run with -SkipInstaller."
}
Invoke-Checked "Inno Setup" { & $iscc /Q installer.iss }
Invoke-Signing @(Get-ChildItem dist\OrderDeskTray-Setup-*.exe | ForEach-Object { $_.FullName })
Get-ChildItem dist\OrderDeskTray-Setup-*.exe | ForEach-Object {
    Write-Host ("   installer: {0} ({1:n1} MB)" -f $_.FullName, ($_.Length / 1MB))
}
