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
; Upgrades install in place (fixed AppId) after closing a running tray with `orderdesk-tray --quit`
; (a clean quit; forced only if it is still running after the wait); uninstall does the same,
; removes the login entry and our entries in AI-client configs (`orderdesk-mcp config all
; --remove`), offers to delete the API keys (`orderdesk-mcp stores remove --all`; silent:
; /PURGEKEYS=yes), and asks whether to keep the data folder (database, logs, vault).
; A running tray holds the AppMutex below (app\gui\instance.py APP_MUTEX_NAMES; a test checks).

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
#define AppMutexNames "OrderDeskTray.Running,Global\OrderDeskTray.Running"
; Where Setup recorded the previous installation (the AppId below, with the _is1 suffix).
#define UninstallKey "Software\Microsoft\Windows\CurrentVersion\Uninstall\{6F2B8C1E-4D7A-4B59-9E3F-0D1C5A7B2E84}_is1"

[Setup]
; Never change the AppId: upgrades and the uninstaller find the installation by it.
AppId={{6F2B8C1E-4D7A-4B59-9E3F-0D1C5A7B2E84}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppMutex={#AppMutexNames}
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
; The login entry is the current user's Run value even in an all-users install: the tray's
; Settings box reads and writes exactly that value, so the two always agree.
UsedUserAreasWarning=no

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
; HKCU, the value app\core\autostart.py reads and writes (Settings > start at login).
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#AppName}"; ValueData: """{app}\{#AppExe}"""; Flags: uninsdeletevalue; Tasks: autostart

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
Type: dirifempty; Name: "{app}"

[Code]
const
  ForcedWaitMs = 3000;

var
  TasksPageShown: Boolean;

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

{ The tray of an earlier installation, from the location Setup recorded for it. }
function InstalledTrayExe(): String;
var
  Location: String;
begin
  Result := '';
  if not RegQueryStringValue(HKCU, '{#UninstallKey}', 'InstallLocation', Location) then
    if not (IsWin64 and RegQueryStringValue(HKLM64, '{#UninstallKey}', 'InstallLocation', Location)) then
      if not RegQueryStringValue(HKLM32, '{#UninstallKey}', 'InstallLocation', Location) then
        Exit;
  Result := AddBackslash(Location) + '{#AppExe}';
end;

{ `orderdesk-tray --quit` asks the running tray to quit (it stops its MCP host, engine and
  database) and waits until it has stopped; a tray still running after that (or one too old to
  know --quit) is ended by force, and Restart Manager covers anything still holding files. }
procedure CloseRunningTray(const TrayExe: String);
var
  Code, Waited: Integer;
begin
  if not TrayIsRunning() then
    Exit;
  if (TrayExe <> '') and FileExists(TrayExe) then
  begin
    if IsUninstaller() then
      Exec(TrayExe, '--quit', '', SW_HIDE, ewWaitUntilTerminated, Code)
    else
      ExecAsOriginalUser(TrayExe, '--quit', '', SW_HIDE, ewWaitUntilTerminated, Code);
    Log(Format('orderdesk-tray --quit exited with %d', [Code]));
  end;
  if not TrayIsRunning() then
    Exit;
  Log('The tray is still running after --quit; ending it by force.');
  RunHidden(ExpandConstant('{sys}\taskkill.exe'), '/F /IM {#AppExe}');
  Waited := 0;
  while TrayIsRunning() and (Waited < ForcedWaitMs) do
  begin
    Sleep(250);
    Waited := Waited + 250;
  end;
end;

{ Runs before Setup's own AppMutex check: close a running tray first, so the user does not get
  "please close it" for something Setup can do. }
function InitializeSetup(): Boolean;
begin
  if CheckForMutexes('{#AppMutexNames}') then
    CloseRunningTray(InstalledTrayExe());
  Result := True;
end;

function PrepareToInstall(var NeedsRestart: Boolean): String;
begin
  CloseRunningTray(ExpandConstant('{app}\{#AppExe}'));
  Result := '';
end;

{ On an upgrade the "start at login" box shows whether the tray starts at login now (the user
  may have changed it in Settings), not what was chosen at the last install. }
procedure CurPageChanged(CurPageID: Integer);
begin
  if (CurPageID = wpSelectTasks) and not TasksPageShown then
  begin
    TasksPageShown := True;
    if RegValueExists(HKCU, '{#RunKey}', '{#AppName}') then
      WizardSelectTasks('autostart')
    else if InstalledTrayExe() <> '' then
      WizardSelectTasks('!autostart');
  end;
end;

{ The login entry is ours when it is named after the app and starts this installation's tray. }
procedure RemoveLoginEntry(RootKey: Integer; const Folder: String);
var
  Command: String;
begin
  if RegQueryStringValue(RootKey, '{#RunKey}', '{#AppName}', Command) and
     (Pos(Lowercase(AddBackslash(Folder)), Lowercase(Command)) > 0) then
  begin
    RegDeleteValue(RootKey, '{#RunKey}', '{#AppName}');
    Log('Removed the login entry ' + Command);
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
begin
  { Unticking "start at login" (the box showed the current state) removes the value. A silent
    upgrade keeps whatever the user chose in Settings. }
  if (CurStep = ssPostInstall) and TasksPageShown and not WizardIsTaskSelected('autostart') then
  begin
    RemoveLoginEntry(HKCU, ExpandConstant('{app}'));
    if IsAdminInstallMode() then
      RemoveLoginEntry(HKLM, ExpandConstant('{app}'));  { where earlier installers wrote it }
  end;
end;

{ `orderdesk-mcp config all --remove`: removes only the entries this app wrote (a backup of
  each changed file is kept beside it). }
procedure RemoveClientEntries();
var
  Code: Integer;
begin
  if Exec(ExpandConstant('{app}\{#McpExe}'), 'config all --remove', '', SW_HIDE,
      ewWaitUntilTerminated, Code) then
    Log(Format('orderdesk-mcp config all --remove exited with %d', [Code]))
  else
    Log('orderdesk-mcp config all --remove could not be started');
end;

{ API keys live in Windows Credential Manager, outside the data folder: on request,
  `orderdesk-mcp stores remove --all` deletes every store's key (and the stores). A silent
  uninstall does it only with /PURGEKEYS=yes. }
procedure OfferToDeleteApiKeys();
var
  Code: Integer;
  Wanted: Boolean;
begin
  if not DirExists(ExpandConstant('{#DataDir}')) then
    Exit;
  if UninstallSilent() then
    Wanted := CompareText(ExpandConstant('{param:PURGEKEYS|no}'), 'yes') = 0
  else
    Wanted := MsgBox('Also delete the Order Desk API keys of your stores?' + #13#10 + #13#10 +
      '{#AppName} keeps them in Windows Credential Manager. Yes deletes them (and removes the ' +
      'stores from {#AppName}); No keeps them for a later installation.',
      mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES;
  if not Wanted then
    Exit;
  if Exec(ExpandConstant('{app}\{#McpExe}'), 'stores remove --all', '', SW_HIDE,
      ewWaitUntilTerminated, Code) and (Code = 0) then
    Log('API keys deleted (orderdesk-mcp stores remove --all)')
  else
    SuppressibleMsgBox('The API keys could not all be deleted. Delete the entries named ' +
      '"orderdesk-tray" in Credential Manager by hand.', mbError, MB_OK, IDOK);
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  { After the user confirmed, right before Uninstall's own AppMutex check. }
  if CurUninstallStep = usAppMutexCheck then
    CloseRunningTray(ExpandConstant('{app}\{#AppExe}'));
  if CurUninstallStep = usUninstall then
  begin
    { Also the value the tray's Settings wrote, which Setup did not record. }
    RemoveLoginEntry(HKCU, ExpandConstant('{app}'));
    if IsAdminInstallMode() then
      RemoveLoginEntry(HKLM, ExpandConstant('{app}'));
    { While orderdesk-mcp.exe is still here: take our server out of every AI client's config
      (Claude Desktop, Claude Code, Cursor, VS Code, Windsurf), keeping their other servers. }
    RemoveClientEntries();
    OfferToDeleteApiKeys();
  end;
  if CurUninstallStep <> usPostUninstall then
    Exit;
  DataDir := ExpandConstant('{#DataDir}');
  if UninstallSilent() or not DirExists(DataDir) then
    Exit;
  if MsgBox('Keep your {#AppName} data?' + #13#10 + #13#10 +
      'The folder ' + DataDir + ' holds your stores, AI client tokens, activity log and ' +
      'settings. Keep it if you may install {#AppName} again.' + #13#10 + #13#10 +
      'Yes keeps the folder; No deletes it.',
      mbConfirmation, MB_YESNO) = IDNO then
    DelTree(DataDir, True, True, True);
end;
