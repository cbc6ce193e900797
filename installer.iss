; OrderDesk Tray — Windows installer (Inno Setup 6) for the PyInstaller bundle in dist\orderdesk-tray.
;
; Build: packaging\windows\build.ps1 (venv, PyInstaller, version include, ISCC), or by hand:
;   python packaging\windows\write_version_iss.py
;   pyinstaller --noconfirm packaging\orderdesk-tray.spec
;   ISCC installer.iss                      -> dist\OrderDeskTray-Setup-<version>.exe
; The version comes from app\__init__.py through packaging\windows\version.iss (generated);
; ISCC /DAppVersion=x.y.z /DAppVersionNumeric=x.y.z.0 overrides it.
;
; Per-user install without admin rights by default (the override dialog offers all users).
; Upgrades install in place (fixed AppId) after closing a running tray; uninstall asks whether
; to keep the data folder (database, logs, vault).

#ifndef AppVersion
  #include "packaging\windows\version.iss"
#endif

#define AppName "OrderDesk Tray"
#define AppExe "orderdesk-tray.exe"
#define McpExe "orderdesk-mcp.exe"
#define BundleDir "dist\orderdesk-tray"
; platformdirs.user_data_dir("orderdesk-tray", False) on Windows
#define DataDir "{localappdata}\orderdesk-tray"
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"

[Setup]
; Never change the AppId: upgrades and the uninstaller find the installation by it.
AppId={{6F2B8C1E-4D7A-4B59-9E3F-0D1C5A7B2E84}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=OrderDesk Tray
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=dist
OutputBaseFilename=OrderDeskTray-Setup-{#AppVersion}
SetupIconFile=app\resources\icons\orderdesk-tray.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; Restart Manager closes a running tray (and shims launched by AI clients) before files are
; replaced; [Code] below asks the tray to quit first.
CloseApplications=force
CloseApplicationsFilter=*.exe
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "autostart"; Description: "Start {#AppName} when I sign in to Windows"; GroupDescription: "Start-up:"

[InstallDelete]
; An upgrade replaces the whole bundle: no stale libraries from the previous version.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Order Desk orders in the system tray"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; HKA: the current user's Run key for a per-user install, the machine's for an all-users one.
Root: HKA; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"""; Flags: uninsdeletevalue; Tasks: autostart

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: dirifempty; Name: "{app}"

[Code]
const
  QuitWaitMs = 5000;

function RunHidden(const FileName, Params: String): Integer;
begin
  if not Exec(FileName, Params, '', SW_HIDE, ewWaitUntilTerminated, Result) then
    Result := -1;
end;

function TrayIsRunning(): Boolean;
begin
  { tasklist exits 0 either way; find sets the exit code on the image name }
  Result := RunHidden(ExpandConstant('{cmd}'),
    '/C tasklist /FI "IMAGENAME eq {#AppExe}" /NH | find /I "{#AppExe}" >nul') = 0;
end;

{ Ask a running tray to quit (a normal close, so it stops its MCP host and saves its state),
  give it a few seconds, then end it. Restart Manager covers anything still holding files. }
procedure CloseRunningTray();
var
  Waited: Integer;
begin
  if not TrayIsRunning() then
    Exit;
  RunHidden(ExpandConstant('{sys}\taskkill.exe'), '/IM {#AppExe}');
  Waited := 0;
  while TrayIsRunning() and (Waited < QuitWaitMs) do
  begin
    Sleep(250);
    Waited := Waited + 250;
  end;
  if TrayIsRunning() then
    RunHidden(ExpandConstant('{sys}\taskkill.exe'), '/F /IM {#AppExe}');
end;

function PrepareToInstall(var NeedsRestart: Boolean): String;
begin
  CloseRunningTray();
  Result := '';
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  RootKey: Integer;
begin
  { Unticking "start at login" on an upgrade removes the value an earlier install wrote. }
  if (CurStep = ssPostInstall) and not WizardIsTaskSelected('autostart') then
  begin
    if IsAdminInstallMode() then
      RootKey := HKEY_LOCAL_MACHINE
    else
      RootKey := HKEY_CURRENT_USER;
    RegDeleteValue(RootKey, '{#RunKey}', '{#AppName}');
  end;
end;

function InitializeUninstall(): Boolean;
begin
  CloseRunningTray();
  Result := True;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{#DataDir}');
  if UninstallSilent() or not DirExists(DataDir) then
    Exit;
  if MsgBox('Keep your {#AppName} data?' + #13#10 + #13#10 +
      'The folder ' + DataDir + ' holds your stores, AI client tokens, activity log and ' +
      'settings. Keep it if you may install {#AppName} again.' + #13#10 + #13#10 +
      'Yes keeps the folder; No deletes it. API keys stay in Windows Credential Manager ' +
      '(entries named "orderdesk-tray") either way.',
      mbConfirmation, MB_YESNO) = IDNO then
    DelTree(DataDir, True, True, True);
end;
