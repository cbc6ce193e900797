"""Connect an AI client: create its token, then write or show its config entry; see and revoke
the clients already connected."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.access import ALL_SCOPES
from app.core.client_configs import (
    ClientKind,
    MergeResult,
    claude_code_command,
    config_path,
    cursor_install_link,
    render,
    shell_line,
    vscode_install_link,
)
from app.core.client_configs.mcpb import write_bundle
from app.gui.bridge import HubBridge
from app.gui.connected_clients import ConnectedClientsPanel
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.tasks import TaskGroup
from app.resources import resource_path

DEFAULT_SCOPES = ("read", "write-notes")
POLICY_CHOICES = (
    ("ask", "Ask me before each change"),
    ("allow", "Allow changes"),
    ("deny", "Never allow changes"),
)
"""The write policies as (value, label), in the order the combos show them."""


def written_sentence(kind: ClientKind, result: MergeResult) -> str:
    """Where the server entry was written (and its backup), and what to do next."""
    backup = f" (backup: {result.backup_path})" if result.backup_path else ""
    return f"Wrote the 'orderdesk' entry into {result.path}{backup}. Restart {kind.display_name}."


LINK_KINDS = (ClientKind.CURSOR, ClientKind.VSCODE)


def install_link(kind: ClientKind, token: str) -> str:
    """The one-click install link of Cursor (token inside) or VS Code (asks for it)."""
    return cursor_install_link(token) if kind is ClientKind.CURSOR else vscode_install_link()


def entry_text(kind: ClientKind, token: str) -> str:
    """The config entry (or the Claude Code command) as text to copy."""
    if kind is ClientKind.CLAUDE_CODE:
        return shell_line(claude_code_command(token))
    return json.dumps(render(kind, token), indent=2)


class ConnectClientDialog(QDialog):
    """Pick the AI client, its scopes, stores and write policy; create the token; write or copy.

    Below, the registered clients with their live sessions, each revocable.

    Args:
        ctx: Engine, services, registry and live sessions.
        bridge: Hub events as signals; when None the dialog makes (and closes) its own.
        parent: Owning widget.
    """

    def __init__(
        self, ctx: GuiContext, bridge: HubBridge | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskGroup()
        self.token: str | None = None
        self._own_bridge = bridge is None
        self.bridge = bridge if bridge is not None else HubBridge(ctx.hub, self)
        self.setWindowTitle("Connect an AI client")
        self.setMinimumWidth(720)
        layout = QVBoxLayout(self)
        layout.addWidget(self._build_new_client())
        self.connected = ConnectedClientsPanel(ctx)
        layout.addWidget(self.connected, 1)
        self._connections = [
            (self.bridge.client_connected, self.connected.reload),
            (self.bridge.client_disconnected, self.connected.reload),
            (self.bridge.store_changed, self._stores_changed),
        ]
        for signal, slot in self._connections:
            signal.connect(slot)

    # -- building ----------------------------------------------------------------------------

    def _build_new_client(self) -> QGroupBox:
        form = self._client_form()
        buttons = self._token_buttons()
        self.entry = QPlainTextEdit()
        self.entry.setReadOnly(True)
        self.entry.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.entry.setPlaceholderText("The config entry appears here once the token exists.")
        self.entry.setMaximumHeight(110)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        group = QGroupBox("New client")
        column = QVBoxLayout(group)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.entry)
        column.addWidget(self.status)
        return group

    def _client_form(self) -> QFormLayout:
        """Which AI client, its name, write policy, scopes and stores."""
        self.kind = QComboBox()
        for kind in ClientKind:
            self.kind.addItem(kind.display_name, kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.name = QLineEdit(self.kind.currentText())
        self.policy = QComboBox()
        for value, label in POLICY_CHOICES:
            self.policy.addItem(label, value)
        form = QFormLayout()
        form.addRow("AI &client:", self.kind)
        form.addRow("&Name:", self.name)
        form.addRow("Writes:", self.policy)
        form.addRow("May:", self._scope_boxes())
        stores = self._store_list()
        stores_label = QLabel("S&tores:")
        stores_label.setBuddy(self.stores)
        form.addRow(stores_label, stores)
        return form

    def _scope_boxes(self) -> QGridLayout:
        """One checkbox per scope, four to a row, the defaults checked."""
        self.scopes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for number, scope in enumerate(ALL_SCOPES):
            box = QCheckBox(scope)
            box.setChecked(scope in DEFAULT_SCOPES)
            self.scopes[scope] = box
            grid.addWidget(box, number // 4, number % 4)
        return grid

    def _store_list(self) -> QVBoxLayout:
        """The stores allow-list and what leaving it empty means."""
        self.stores = QListWidget()
        self.stores.setMaximumHeight(64)
        self.stores.setToolTip("Check the stores this client may use; none checked: every store.")
        hint = QLabel("None checked: every store, also ones added later.")
        hint.setEnabled(False)
        column = QVBoxLayout()
        column.addWidget(self.stores)
        column.addWidget(hint)
        return column

    def _token_buttons(self) -> QHBoxLayout:
        """Create token, write the config file, copy the entry (the last two once it exists)."""
        self.create_button = QPushButton("Create &token")
        self.create_button.clicked.connect(self.create_token)
        self.write_button = QPushButton("&Write config file")
        self.write_button.clicked.connect(self.write)
        self.copy_button = QPushButton("Cop&y")
        self.copy_button.clicked.connect(self.copy)
        self.link_button = QPushButton("Install &link")
        self.link_button.setToolTip("Open Cursor's or VS Code's one-click install link")
        self.link_button.clicked.connect(self.open_install_link)
        self.mcpb_button = QPushButton("Save e&xtension…")
        self.mcpb_button.setToolTip("Save a Claude Desktop extension (.mcpb) to open in Claude")
        self.mcpb_button.clicked.connect(self.save_extension)
        extra = (self.link_button, self.mcpb_button)
        for button in (self.write_button, self.copy_button, *extra):
            button.setEnabled(False)
        buttons = QHBoxLayout()
        for button in (self.create_button, self.write_button, self.copy_button, *extra):
            buttons.addWidget(button)
        buttons.addStretch()
        return buttons

    # -- new client --------------------------------------------------------------------------

    def current_kind(self) -> ClientKind:
        """The chosen AI client."""
        return ClientKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        self.name.setText(self.kind.currentText())
        if self.token is not None:
            self.entry.setPlainText(entry_text(self.current_kind(), self.token))
            self._where()

    def _where(self) -> None:
        self.status.setText(f"Config file: {config_path(self.current_kind())}")
        kind, ready = self.current_kind(), self.token is not None
        self.link_button.setEnabled(ready and kind in LINK_KINDS)
        self.mcpb_button.setEnabled(ready and kind is ClientKind.CLAUDE_DESKTOP)

    def _checked_stores(self) -> list[QListWidgetItem]:
        items = [self.stores.item(row) for row in range(self.stores.count())]
        return [item for item in items if item.checkState() == Qt.CheckState.Checked]

    def chosen_stores(self) -> list[str] | None:
        """Names of the checked stores; None (every store) when none is checked."""
        return [item.text() for item in self._checked_stores()] or None

    def create_token(self) -> None:
        """Create the client's token with the chosen scopes, stores and policy."""
        scopes = [scope for scope, box in self.scopes.items() if box.isChecked()] or ["read"]
        name, policy = self.name.text().strip(), str(self.policy.currentData())
        stores = self.chosen_stores()

        async def run() -> None:
            _, token = await self.ctx.services.clients.add(name, scopes, policy, stores)
            self.token = token
            self.entry.setPlainText(entry_text(self.current_kind(), token))
            self.create_button.setEnabled(False)
            self.write_button.setEnabled(True)
            self.copy_button.setEnabled(True)
            self._where()
            await self.connected.load_clients()

        self._run(run())

    def write(self) -> None:
        """Merge the entry into the client's config file (a backup is kept)."""
        if self.token is None:
            return
        token, kind = self.token, self.current_kind()

        async def run() -> None:
            result = await self.ctx.services.clients.write_config(kind, token)
            self.status.setText(written_sentence(kind, result))

        self._run(run())

    def open_install_link(self) -> None:
        """Open the chosen client's one-click install link (Cursor, VS Code)."""
        kind = self.current_kind()
        if self.token is None or kind not in LINK_KINDS:
            return
        link = install_link(kind, self.token)
        if kind is ClientKind.VSCODE:
            QGuiApplication.clipboard().setText(self.token)
            note = "VS Code asks for the client token: it is on the clipboard."
        else:
            note = "The link carries the token: keep it private."
        opened = QDesktopServices.openUrl(QUrl(link))
        first = "Opened the install link." if opened else f"No app opened the link: {link}"
        self.status.setText(f"{first} {note}")

    def save_extension(self) -> None:
        """Save a Claude Desktop extension (.mcpb); put the token on the clipboard for it."""
        if self.token is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Save Claude Desktop extension",
            str(Path.home() / "orderdesk-tray.mcpb"),
            "Claude Desktop extension (*.mcpb)",
        )
        if not chosen:
            return
        path = Path(chosen) if chosen.endswith(".mcpb") else Path(chosen + ".mcpb")
        try:
            write_bundle(path, icon=resource_path("icons/orderdesk-tray-512.png"))
        except OSError as exc:
            self.status.setText(
                f"Could not save {path}: {exc.strerror or exc}. Pick another folder."
            )
            return
        QGuiApplication.clipboard().setText(self.token)
        self.status.setText(
            f"Saved {path}. Open it with Claude Desktop; when it asks for the client token, "
            "paste it: it is on the clipboard (Claude keeps it in the keychain)."
        )

    def copy(self) -> None:
        """Copy the entry to the clipboard."""
        QGuiApplication.clipboard().setText(self.entry.toPlainText())
        self.status.setText("Copied. The token is in it: keep it private.")

    # -- stores and connected clients ----------------------------------------------------------

    def reload(self) -> None:
        """Reload the store list and the connected clients."""
        self._run(self.load_stores())
        self.connected.reload()

    async def load_stores(self) -> None:
        """Fill the stores allow-list, keeping what was checked."""
        checked = {item.data(Qt.ItemDataRole.UserRole) for item in self._checked_stores()}
        stores = await self.ctx.services.stores.list()
        self.stores.clear()
        for store in stores:
            item = QListWidgetItem(store.name)
            item.setData(Qt.ItemDataRole.UserRole, store.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked if store.id in checked else Qt.CheckState.Unchecked
            )
            self.stores.addItem(item)

    def _stores_changed(self, _event: object = None) -> None:
        self._run(self.load_stores())

    def showEvent(self, event: QShowEvent) -> None:
        """Show fresh clients and stores each time the dialog opens."""
        super().showEvent(event)
        if not event.spontaneous():
            self.reload()

    # -- plumbing ------------------------------------------------------------------------------

    def _run(self, coro: object) -> None:
        async def guarded() -> None:
            try:
                await coro  # type: ignore[misc]
            except Exception as error:
                if not is_expected(error):
                    raise
                self.status.setText(user_message(error))

        self.tasks.start(guarded())

    def shutdown(self) -> None:
        """Cancel work in progress and disconnect from the hub's signals."""
        self.tasks.cancel_all()
        self.connected.shutdown()
        for signal, slot in self._connections:
            signal.disconnect(slot)
        self._connections = []
        if self._own_bridge:
            self.bridge.close()
