"""Approvals a person cannot give by accident, tested as a person: real keys through X.

The person types in another window; the approval appears; they keep typing and press Enter.
Nothing is approved, and every key went to their line edit. Then a deliberate click approves.
Key presses and clicks are made by the X server (XTEST, :mod:`tests.gui.xtest`), so they go
where a real keyboard's would: to the window that has the X input focus.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.core.access import (
    ApprovalQueue,
    ApprovalRequest,
    ClientIdentity,
    Decision,
    FieldChange,
    Policy,
)
from app.core.engine import Engine
from app.core.secrets import open_secret_store
from app.core.services import Services
from app.demo import DemoKeySecrets
from app.gui.approvals import ApprovalDialog, ApprovalPrompter, group_changes
from app.gui.bridge import HubBridge
from app.gui.context import GuiContext
from tests.gui.xtest import XInput

WAIT = 30000
CLAUDE = ClientIdentity("Claude Desktop", frozenset({"move"}), None, Policy.ASK, client_id=7)
FOLDERS = ("New", "Paid", "Shipped")


def bulk_move(count: int = 30) -> list[FieldChange]:
    """``count`` orders of three folders going to Cancelled, named by number and customer."""
    return [
        FieldChange("folder", FOLDERS[i % 3], "Cancelled", f"#{1001 + i} · Customer {i}")
        for i in range(count)
    ]


def move_request(count: int = 30) -> ApprovalRequest:
    return ApprovalRequest(
        client=CLAUDE,
        store="Main Street Shop",
        action="orders_move",
        target=f"{count} orders",
        diff=tuple(bulk_move(count)),
        summary=f"Move {count} order(s) to folder Cancelled; the folder's rules will run.",
    )


def test_equal_changes_of_many_orders_are_one_group() -> None:
    changes = [c.as_dict() for c in bulk_move(30)]
    changes.append(FieldChange("shipping.city", "Austin", "Dallas", "#2001 · Ann Lee").as_dict())
    groups = group_changes(changes)
    assert [g.title for g in groups] == ["30 orders → Cancelled", "#2001 · Ann Lee"]
    bulk = groups[0]
    assert (bulk.field, bulk.before, bulk.after) == ("folder", "(various)", "Cancelled")
    assert [row.subject for row in bulk.rows][:2] == ["#1001 · Customer 0", "#1002 · Customer 1"]
    assert [row.before for row in bulk.rows][:3] == ["New", "Paid", "Shipped"]
    single = groups[1]
    assert (single.field, single.before, single.after) == ("shipping.city", "Austin", "Dallas")


def test_changes_of_one_order_stay_one_line_each() -> None:
    label = "#1001 · Jane Roe"
    changes = [
        FieldChange("email", "a@x.com", "b@x.com", label).as_dict(),
        FieldChange("shipping.city", "Austin", "Dallas", label).as_dict(),
    ]
    assert [(g.title, g.field) for g in group_changes(changes)] == [
        (label, "email"),
        (label, "shipping.city"),
    ]


def test_the_dialog_names_the_store_orders_and_folders(qtbot: Any) -> None:
    request = move_request(30)
    expires = datetime.now(UTC) + timedelta(seconds=60)
    dialog = ApprovalDialog(request.event_data(), expires)
    qtbot.addWidget(dialog)
    assert "Claude Desktop" in dialog.heading.text()
    assert "“Main Street Shop”" in dialog.heading.text()
    assert dialog.summary.text().startswith("Move 30 order(s) to folder Cancelled")
    assert dialog.changes.topLevelItemCount() == 1
    group = dialog.changes.topLevelItem(0)
    assert [group.text(i) for i in range(4)] == [
        "30 orders → Cancelled", "folder", "(various)", "Cancelled",
    ]  # fmt: skip
    assert group.childCount() == 30
    first = group.child(0)
    assert [first.text(i) for i in range(4)] == ["#1001 · Customer 0", "folder", "New", "Cancelled"]
    assert not group.isExpanded()  # the list is there to expand, not in the way


def test_no_button_is_a_default_and_approve_starts_disabled(qtbot: Any) -> None:
    dialog = ApprovalDialog(move_request(1).event_data(), datetime.now(UTC), arm_ms=50)
    qtbot.addWidget(dialog)
    buttons = dialog.findChildren(QPushButton)
    assert {b.text() for b in buttons} == {"&Approve", "&Deny"}
    assert not any(b.isDefault() or b.autoDefault() for b in buttons)
    assert not dialog.approve_button.isEnabled()
    dialog.show()
    qtbot.waitUntil(lambda: dialog.approve_button.isEnabled())


# -- as a person, with real key presses ---------------------------------------------------------


@pytest.fixture(params=["no window manager", "openbox"])
def xinput(request: pytest.FixtureRequest) -> Iterator[XInput]:
    """Real input on the X display, with no window manager or with a real one (openbox).

    Without a window manager only the app decides who gets the keyboard; a window manager
    also gives it to new windows unless they ask it not to (openbox does that by default).
    """
    if QApplication.platformName() != "xcb":
        pytest.skip("needs an X display (run under xvfb-run): real key presses go through X")
    manager = None
    if request.param == "openbox":
        if shutil.which("openbox") is None:
            pytest.skip("openbox is not installed (Debian package openbox, in .ci/setup)")
        forget_window_manager()  # a stale mark from an earlier one must not count as started
        manager = subprocess.Popen(
            ["openbox", "--sm-disable"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_window_manager(manager)
    made = XInput()
    try:
        yield made
    finally:
        made.close()
        if manager is not None:
            manager.terminate()
            manager.wait(10)
            forget_window_manager()


def forget_window_manager() -> None:
    """Remove the root window's EWMH mark of a window manager (left by one that ended)."""
    for mark in ("_NET_SUPPORTING_WM_CHECK", "_OB_THEME"):
        subprocess.run(["xprop", "-root", "-remove", mark], check=True)


def wait_for_window_manager(manager: subprocess.Popen[bytes]) -> None:
    """Wait until a window manager announces itself on the root window (EWMH)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        assert manager.poll() is None, "the window manager exited"
        probe = subprocess.run(
            ["xprop", "-root", "_NET_SUPPORTING_WM_CHECK", "_OB_THEME"],
            capture_output=True, text=True,
        )  # fmt: skip
        if "window id" in probe.stdout and "_OB_THEME(UTF8_STRING)" in probe.stdout:
            return  # openbox sets its theme mark once it has started
        time.sleep(0.05)
    raise AssertionError("the window manager did not start")


@pytest.fixture
def core(engine: Engine) -> Services:
    """The real services, with an approval queue that waits long enough for a person (30 s)."""
    secrets = DemoKeySecrets(open_secret_store())
    approvals = ApprovalQueue(engine.hub, timeout=30.0)
    return Services.create(engine, secrets=secrets, timeout=10.0, approvals=approvals)


@pytest.fixture
def person_ctx(ctx: GuiContext) -> GuiContext:
    """The GUI context over those services."""
    assert ctx.services.approvals.timeout == 30.0
    return ctx


@pytest.fixture
def prompter(person_ctx: GuiContext) -> Iterator[ApprovalPrompter]:
    bridge = HubBridge(person_ctx.engine.hub)
    running = ApprovalPrompter(person_ctx, bridge)
    yield running
    running.close()


def point_at(qtbot: Any, xinput: XInput, widget: QWidget) -> tuple[int, int]:
    """Move the pointer onto ``widget``'s centre, where X has it now; return that point."""
    point = (0, 0)

    def under_mouse() -> bool:
        nonlocal point
        left, top = xinput.origin(int(widget.window().winId()))
        inside = widget.mapTo(widget.window(), widget.rect().center())
        point = (left + inside.x(), top + inside.y())
        xinput.move(point[0] + 3, point[1] + 1)  # a real motion, even if it was there already
        xinput.move(*point)  # again each time: a window manager may still be placing it
        return widget.underMouse() and xinput.pointer()[2] != 0  # X agrees: a window is there

    qtbot.waitUntil(under_mouse, timeout=WAIT)
    return point


@pytest.fixture
def search_box(qtbot: Any, xinput: XInput) -> Iterator[QLineEdit]:
    """A window with a line edit that has the keyboard (X input focus and Qt focus)."""
    window = QWidget()
    window.setWindowTitle("Orders — search")
    edit = QLineEdit(window)
    QVBoxLayout(window).addWidget(edit)
    window.setGeometry(40, 40, 420, 80)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    xinput.click(*point_at(qtbot, xinput, edit))  # the person clicks into the search box
    qtbot.waitUntil(
        lambda: window.isActiveWindow() and QApplication.focusWidget() is edit, timeout=WAIT
    )
    qtbot.waitUntil(lambda: xinput.focus_window() == int(window.winId()), timeout=WAIT)
    yield edit


def ask(ctx: GuiContext, count: int = 30) -> Future[Decision]:
    return ctx.engine.submit(ctx.services.approvals.request(move_request(count)))


def test_typing_and_enter_while_an_approval_appears_approve_nothing(
    qtbot: Any,
    person_ctx: GuiContext,
    prompter: ApprovalPrompter,
    search_box: QLineEdit,
    xinput: XInput,
) -> None:
    window = search_box.window()
    entered: list[str] = []
    search_box.returnPressed.connect(lambda: entered.append(search_box.text()))
    xinput.type("jane")
    qtbot.waitUntil(lambda: search_box.text() == "jane")

    pending = ask(person_ctx)
    qtbot.waitUntil(lambda: len(prompter.dialogs) == 1)
    dialog = next(iter(prompter.dialogs.values()))
    qtbot.waitExposed(dialog)
    xinput.type(" roe")  # still typing while it appears
    xinput.key("Return")  # ... and Enter, before Approve is armed
    qtbot.waitUntil(lambda: entered == ["jane roe"])
    qtbot.waitUntil(lambda: dialog.armed, timeout=WAIT)
    xinput.key("Return")  # and Enter again once it could be approved
    xinput.type("x")
    qtbot.waitUntil(lambda: search_box.text() == "jane roex")

    assert entered == ["jane roe", "jane roe"]  # every Enter went to the search box
    assert not pending.done(), "an Enter approved or denied the request"
    assert QApplication.activeWindow() is window and QApplication.focusWidget() is search_box
    assert xinput.focus_window() == int(window.winId())
    assert dialog.isVisible()

    xinput.click(*point_at(qtbot, xinput, dialog.approve_button))  # the deliberate act
    qtbot.waitUntil(pending.done, timeout=WAIT)
    decision = pending.result()
    assert decision.approved and decision.by == "user"
    qtbot.waitUntil(lambda: not prompter.dialogs)


def test_in_the_dialog_enter_and_an_early_click_do_nothing_alt_a_approves(
    qtbot: Any,
    person_ctx: GuiContext,
    prompter: ApprovalPrompter,
    search_box: QLineEdit,
    xinput: XInput,
) -> None:
    prompter.arm_ms = 4000  # long enough to click before it arms, even on a slow machine
    pending = ask(person_ctx, 3)
    qtbot.waitUntil(lambda: len(prompter.dialogs) == 1)
    dialog = next(iter(prompter.dialogs.values()))
    qtbot.waitExposed(dialog)
    # the mouse comes (now a click may focus the dialog), and a click meant for what was
    # there before it appeared lands on Approve
    xinput.click(*point_at(qtbot, xinput, dialog.approve_button))
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)  # the click focused it
    assert not dialog.armed and not pending.done()
    qtbot.waitUntil(lambda: dialog.armed, timeout=WAIT)
    xinput.key("Return")
    xinput.key("KP_Enter")
    xinput.key("space")  # the change list has the focus, not a button
    qtbot.wait(300)  # let any (wrong) reaction happen: nothing is expected to change
    assert not pending.done(), "Enter or Space answered the request"
    xinput.chord("Alt_L", "a")
    qtbot.waitUntil(pending.done, timeout=WAIT)
    assert pending.result().approved
