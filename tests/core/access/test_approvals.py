"""ApprovalQueue: allow, deny, ask (approve, decline, timeout), headless, pending, threads."""

from __future__ import annotations

import asyncio
import threading

import pytest

from app.core.access import (
    APPROVAL_DECIDED,
    ApprovalQueue,
    ApprovalRequest,
    ClientIdentity,
    DecidedBy,
    FieldChange,
    Policy,
)
from app.core.events import APPROVAL_REQUESTED, Event, EventHub


def make_request(policy: Policy) -> ApprovalRequest:
    client = ClientIdentity("Cursor", frozenset({"read", "move"}), None, policy, 4)
    return ApprovalRequest(
        client=client,
        store="Main",
        action="orders_move",
        target="order 1001",
        diff=[FieldChange("folder", "New", "Prepared")],
        summary="Move order 1001 to Prepared",
        store_id=2,
    )


async def next_event(queue: asyncio.Queue[Event], kind: str) -> Event:
    while True:
        event = await asyncio.wait_for(queue.get(), 5)
        if event.kind == kind:
            return event


async def test_allow_policy_approves_without_asking() -> None:
    hub = EventHub()
    seen: list[Event] = []
    hub.subscribe(seen.append)
    decision = await ApprovalQueue(hub).request(make_request(Policy.ALLOW))
    assert decision.approved and decision.by is DecidedBy.POLICY
    assert seen == []


async def test_deny_policy_denies_with_a_sentence() -> None:
    decision = await ApprovalQueue().request(make_request(Policy.DENY))
    assert not decision.approved
    assert "policy 'deny'" in decision.reason


async def test_ask_without_an_approver_is_denied_headless() -> None:
    queue = ApprovalQueue(EventHub())
    decision = await queue.request(make_request(Policy.ASK))
    assert not decision.approved
    assert decision.by is DecidedBy.NO_APPROVER
    assert decision.reason.startswith(
        "This client's policy is 'ask' and no tray is running to approve it"
    )


@pytest.mark.parametrize("approve", [True, False])
async def test_ask_waits_for_the_user(approve: bool) -> None:
    hub = EventHub()
    events = hub.queue()
    queue = ApprovalQueue(hub)
    queue.attach_approver()
    request = make_request(Policy.ASK)
    task = asyncio.create_task(queue.request(request))
    asked = await next_event(events, APPROVAL_REQUESTED)
    assert asked.data["request_id"] == request.request_id
    assert asked.data["client"] == "Cursor"
    assert asked.data["diff"] == (
        {"field": "folder", "before": "New", "after": "Prepared", "subject": ""},
    )
    assert asked.store_id == "2"
    assert [p.request for p in queue.pending()] == [request]
    assert queue.decide(request.request_id, approve) is True
    decision = await task
    assert decision.approved is approve
    assert decision.by is DecidedBy.USER
    if not approve:
        assert "declined" in decision.reason
    decided = await next_event(events, APPROVAL_DECIDED)
    assert decided.data == {"request_id": request.request_id, "approved": approve, "by": "user"}
    assert queue.pending() == []
    assert queue.decide(request.request_id, True) is False


async def test_ask_times_out_to_deny() -> None:
    hub = EventHub()
    events = hub.queue()
    queue = ApprovalQueue(hub, timeout=0.05)
    queue.attach_approver()
    decision = await queue.request(make_request(Policy.ASK))
    assert not decision.approved
    assert decision.by is DecidedBy.TIMEOUT
    assert "within 0.05 s" in decision.reason
    decided = await next_event(events, APPROVAL_DECIDED)
    assert decided.data["by"] == "timeout"
    assert queue.pending() == []


async def test_decide_from_another_thread() -> None:
    hub = EventHub()
    events = hub.queue()
    queue = ApprovalQueue(hub)
    queue.attach_approver()
    task = asyncio.create_task(queue.request(make_request(Policy.ASK)))
    asked = await next_event(events, APPROVAL_REQUESTED)
    answered: list[bool] = []
    thread = threading.Thread(
        target=lambda: answered.append(queue.decide(str(asked.data["request_id"]), True))
    )
    thread.start()
    decision = await task
    thread.join()
    assert answered == [True]
    assert decision.approved


async def test_detaching_the_last_approver_denies_pending() -> None:
    hub = EventHub()
    events = hub.queue()
    queue = ApprovalQueue(hub)
    detach_one = queue.attach_approver()
    detach_two = queue.attach_approver()
    task = asyncio.create_task(queue.request(make_request(Policy.ASK)))
    await next_event(events, APPROVAL_REQUESTED)
    detach_one()
    detach_one()  # twice is harmless
    assert queue.has_approver and not task.done()
    detach_two()
    decision = await task
    assert decision.by is DecidedBy.NO_APPROVER
    assert not queue.has_approver


async def test_a_cancelled_request_leaves_nothing_pending() -> None:
    hub = EventHub()
    events = hub.queue()
    queue = ApprovalQueue(hub)
    queue.attach_approver()
    task = asyncio.create_task(queue.request(make_request(Policy.ASK)))
    await next_event(events, APPROVAL_REQUESTED)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert queue.pending() == []
    decided = await next_event(events, APPROVAL_DECIDED)
    assert decided.data["by"] == "cancelled"


async def test_the_services_diff_items_fit() -> None:
    from app.core.services import ABSENT
    from app.core.services import FieldChange as ServiceChange

    hub = EventHub()
    events = hub.queue()
    queue = ApprovalQueue(hub)
    queue.attach_approver()
    base = make_request(Policy.ASK)
    request = ApprovalRequest(
        client=base.client,
        store=base.store,
        action="orders_update",
        target="order 1001",
        diff=[
            ServiceChange(("shipping", "city"), "Austin", "Dallas"),
            ServiceChange(("x",), ABSENT, 1),
        ],
        summary="Change the shipping city",
    )
    task = asyncio.create_task(queue.request(request))
    asked = await next_event(events, APPROVAL_REQUESTED)
    assert asked.data["diff"] == (
        {"field": "shipping.city", "before": "Austin", "after": "Dallas"},
        {"field": "x", "before": None, "after": 1},
    )
    queue.decide(request.request_id, True)
    assert (await task).approved
