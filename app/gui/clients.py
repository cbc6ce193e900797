"""Connect an AI client: create its token, then write or show its config entry."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.access import ALL_SCOPES, ClientRegistry
from app.core.client_configs import (
    ClientKind,
    ConfigFileError,
    claude_code_command,
    config_path,
    merge_into_file,
    render,
    shell_line,
)
from app.gui.context import GuiContext
from app.gui.errors import is_expected, user_message
from app.gui.tasks import TaskGroup

DEFAULT_SCOPES = ("read", "write-notes")


async def create_client(registry: ClientRegistry, name: str, scopes: list[str], policy: str) -> str:
    """Register a client (engine loop) and return its token (shown once)."""
    _, token = registry.add(name, scopes, None, policy)
    return token


async def write_entry(kind: ClientKind, token: str) -> str:
    """Merge the server entry into the client's config file (engine loop); say where."""
    result = merge_into_file(kind, token)
    backup = f" (backup: {result.backup_path})" if result.backup_path else ""
    return f"Wrote the 'orderdesk' entry into {result.path}{backup}. Restart {kind.display_name}."


def entry_text(kind: ClientKind, token: str) -> str:
    """The config entry (or the Claude Code command) as text to copy."""
    if kind is ClientKind.CLAUDE_CODE:
        return shell_line(claude_code_command(token))
    return json.dumps(render(kind, token), indent=2)


class ConnectClientDialog(QDialog):
    """Pick the AI client, its scopes and write policy; create the token; write or copy."""

    def __init__(self, ctx: GuiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.tasks = TaskGroup()
        self.token: str | None = None
        self.setWindowTitle("Connect an AI client")
        self.setMinimumWidth(560)
        self.kind = QComboBox()
        for kind in ClientKind:
            self.kind.addItem(kind.display_name, kind)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.name = QLineEdit(self.kind.currentText())
        self.policy = QComboBox()
        self.policy.addItem("Ask me before each change", "ask")
        self.policy.addItem("Allow changes", "allow")
        self.policy.addItem("Never allow changes", "deny")
        self.scopes: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        for number, scope in enumerate(ALL_SCOPES):
            box = QCheckBox(scope)
            box.setChecked(scope in DEFAULT_SCOPES)
            self.scopes[scope] = box
            grid.addWidget(box, number // 4, number % 4)
        form = QFormLayout()
        form.addRow("AI &client:", self.kind)
        form.addRow("&Name:", self.name)
        form.addRow("Writes:", self.policy)
        form.addRow("May:", grid)
        self.create_button = QPushButton("Create &token")
        self.create_button.clicked.connect(self.create)
        self.write_button = QPushButton("&Write config file")
        self.write_button.clicked.connect(self.write)
        self.copy_button = QPushButton("Cop&y")
        self.copy_button.clicked.connect(self.copy)
        for button in (self.write_button, self.copy_button):
            button.setEnabled(False)
        self.entry = QPlainTextEdit()
        self.entry.setReadOnly(True)
        self.entry.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.entry.setPlaceholderText("The config entry appears here once the token exists.")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QHBoxLayout()
        for button in (self.create_button, self.write_button, self.copy_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.entry)
        layout.addWidget(self.status)

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

    def create(self) -> None:
        """Create the client's token with the chosen scopes and policy."""
        if self.ctx.registry is None:
            return
        scopes = [scope for scope, box in self.scopes.items() if box.isChecked()] or ["read"]
        name, policy = self.name.text().strip(), str(self.policy.currentData())
        registry = self.ctx.registry

        async def run() -> None:
            self.token = await self.ctx.engine.run(create_client(registry, name, scopes, policy))
            self.entry.setPlainText(entry_text(self.current_kind(), self.token))
            self.create_button.setEnabled(False)
            self.write_button.setEnabled(True)
            self.copy_button.setEnabled(True)
            self._where()

        self._run(run())

    def write(self) -> None:
        """Merge the entry into the client's config file (a backup is kept)."""
        if self.token is None:
            return
        token, kind = self.token, self.current_kind()

        async def run() -> None:
            self.status.setText(await self.ctx.engine.run(write_entry(kind, token)))

        self._run(run())

    def copy(self) -> None:
        """Copy the entry to the clipboard."""
        QGuiApplication.clipboard().setText(self.entry.toPlainText())
        self.status.setText("Copied. The token is in it: keep it private.")

    def _run(self, coro: object) -> None:
        async def guarded() -> None:
            try:
                await coro  # type: ignore[misc]
            except ConfigFileError as error:
                self.status.setText(str(error))
            except Exception as error:
                if not is_expected(error):
                    raise
                self.status.setText(user_message(error))

        self.tasks.start(guarded())

    def shutdown(self) -> None:
        """Cancel work in progress."""
        self.tasks.cancel_all()
