"""Undo of every write kind (Activity's Revert) against the sandbox; each undo is a ledger row."""

from __future__ import annotations

import pytest

from app.core.services import OrderConflict, RevertError, Services, StoreRecord
from app.core.services.reverts import recreation, restorable
from app.sandbox import SandboxStore
from tests.core.services.conftest import first_order_id


def shipment_ids(od_store: SandboxStore, order_id: str) -> list[str]:
    return [str(s["id"]) for s in od_store.orders[order_id]["order_shipments"]]


async def newest(services: Services, action: str) -> int:
    return (await services.audit.query(action=action, limit=1)).entries[0].id


async def test_a_move_goes_back_and_then_refuses_once_moved_on(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    home = od_store.orders[order_id]["folder_id"]
    other, third = [f for f in od_store.folders if f != home][:2]
    await services.orders.move(store, [order_id], other, actor="gui")
    undo = await services.audit.revert(await newest(services, "order.move"), actor="gui")
    assert undo.action == "order.move" and undo.ok and undo.change["folder_id"] == home
    assert od_store.orders[order_id]["folder_id"] == home

    # the same move again is a new write (not "already moved"), and the undo of a move the
    # order has left since is refused
    await services.orders.move(store, [order_id], other, actor="gui")
    moved = await newest(services, "order.move")
    await services.orders.move(store, [order_id], third, actor="gui")
    assert od_store.orders[order_id]["folder_id"] == third
    with pytest.raises(RevertError, match="moved again since"):
        await services.audit.revert(moved, actor="gui")
    assert od_store.orders[order_id]["folder_id"] == third


async def test_shipments_added_edited_and_deleted_are_undone(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    added = await services.orders.add_shipment(
        store, order_id, {"tracking_number": "1ZUNDO0001", "carrier_code": "UPS"}, actor="gui"
    )
    await services.orders.update_shipment(
        store, order_id, added.id, {"tracking_number": "1ZUNDO0002"}, actor="gui"
    )
    undo = await services.audit.revert(await newest(services, "shipment.update"), actor="gui")
    assert undo.action == "shipment.update" and undo.after["tracking_number"] == "1ZUNDO0001"

    await services.orders.delete_shipment(store, order_id, added.id, actor="gui")
    assert added.id not in shipment_ids(od_store, order_id)
    restored = await services.audit.revert(await newest(services, "shipment.delete"), "gui")
    assert restored.action == "shipment.add" and restored.ok  # not "already added"
    again = [s for s in od_store.orders[order_id]["order_shipments"]
             if s["tracking_number"] == "1ZUNDO0001"]  # fmt: skip
    assert len(again) == 1 and again[0]["carrier_code"] == "UPS"

    removed = await services.audit.revert(restored.id, actor="gui")  # undo of the add
    assert removed.action == "shipment.delete"
    assert str(again[0]["id"]) not in shipment_ids(od_store, order_id)


async def test_an_edited_shipment_changed_since_is_not_put_back(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    added = await services.orders.add_shipment(
        store, order_id, {"tracking_number": "1ZUNDO0003"}, actor="gui"
    )
    await services.orders.update_shipment(
        store, order_id, added.id, {"shipment_method": "Ground"}, actor="gui"
    )
    edited = await newest(services, "shipment.update")
    await services.orders.update_shipment(
        store, order_id, added.id, {"shipment_method": "Air"}, actor="mcp:claude"
    )
    with pytest.raises(OrderConflict, match="shipment_method"):
        await services.audit.revert(edited, actor="gui")


async def test_items_added_changed_and_removed_are_undone(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    count = len(od_store.orders[order_id]["order_items"])
    item = {"name": "Sticker", "code": "STK-9", "price": "2.50", "quantity": 2}
    added = await services.orders.add_item(store, order_id, item, actor="gui")
    await services.orders.update_item(store, order_id, added.id, {"quantity": 7}, actor="gui")
    await services.audit.revert(await newest(services, "order.item.update"), actor="gui")
    line = next(i for i in od_store.orders[order_id]["order_items"] if i["id"] == added.id)
    assert int(line["quantity"]) == 2

    await services.orders.remove_item(store, order_id, added.id, actor="gui")
    back = await services.audit.revert(await newest(services, "order.item.remove"), "gui")
    assert back.action == "order.item.add" and back.ok
    codes = [i["code"] for i in od_store.orders[order_id]["order_items"]]
    assert codes.count("STK-9") == 1 and len(codes) == count + 1
    await services.audit.revert(back.id, actor="gui")
    assert len(od_store.orders[order_id]["order_items"]) == count


async def test_a_deleted_order_is_recreated_as_a_new_order(
    services: Services, store: StoreRecord, od_store: SandboxStore
) -> None:
    order_id = first_order_id(od_store)
    old = od_store.orders[order_id]
    source_id, email = old["source_id"], old["email"]
    await services.orders.delete(store, order_id, actor="gui")
    made = await services.audit.revert(await newest(services, "order.delete"), actor="gui")
    assert made.action == "order.create" and made.ok
    new_id = made.target.removeprefix("order:")
    assert new_id != order_id and order_id not in od_store.orders
    assert od_store.orders[new_id]["source_id"] == source_id
    assert od_store.orders[new_id]["email"] == email


def test_bodies_leave_out_what_order_desk_sets() -> None:
    assert restorable({"id": "7", "order_id": "1", "code": "A", "date_added": "x"}) == {"code": "A"}
    body = recreation(
        {"id": "1", "folder_id": 3, "email": "a@b.c", "order_history": [],
         "order_items": [{"id": "9", "code": "A"}], "order_shipments": []}
    )  # fmt: skip
    assert body == {"email": "a@b.c", "order_items": [{"code": "A"}], "order_shipments": []}
    with pytest.raises(RevertError, match="kept no copy"):
        restorable(None)
