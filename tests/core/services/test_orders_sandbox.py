"""Orders against the sandbox on a real loopback port, counting requests per operation."""

from __future__ import annotations

import copy

import pytest

from app.core.orderdesk import ServerError
from app.core.services import (
    FolderNotFoundError,
    InvalidChangeError,
    OrderConflict,
    OrderFilters,
    Services,
    StoreRecord,
)
from app.sandbox import Fault, SandboxServer, SandboxStore
from tests.core.services.conftest import first_order_id


def strip_version(order: dict[str, object]) -> dict[str, object]:
    """A deep copy without ``date_updated``."""
    copied = copy.deepcopy(order)
    copied.pop("date_updated", None)
    return copied


class TestListing:
    @pytest.mark.parametrize("orders_count", [2000])
    async def test_walking_2000_orders_costs_4_requests(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        ids = [order.id async for order in services.orders.iter_all(store)]
        assert len(ids) == 2000 == len(set(ids))
        assert od_store.request_count() == 4
        assert od_store.request_count("GET", "/orders") == 4

    async def test_repeated_identical_read_inside_ttl_is_free(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        filters = OrderFilters(folders=[1, 2], order="asc")
        first = await services.orders.list(store, filters, limit=20)
        again = await services.orders.list(
            store, OrderFilters(folders=[2, 1], order="asc"), limit=20
        )
        assert od_store.request_count() == 1
        assert [o.id for o in again.orders] == [o.id for o in first.orders]
        assert services.cache.stats.hits == 1

    async def test_page_fields(self, services: Services, store: StoreRecord) -> None:
        page = await services.orders.list(store, limit=50, offset=100)
        assert (page.total, page.offset, page.limit, len(page.orders)) == (120, 100, 50, 20)
        assert page.next_offset is None
        first = await services.orders.list(store, limit=50)
        assert first.next_offset == 50

    async def test_folder_by_name_resolves_through_store_info(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        by_name = await services.orders.list(store, OrderFilters(folders="prepared"), limit=500)
        by_id = await services.orders.list(store, OrderFilters(folders=2), limit=500)
        assert by_name.total == by_id.total > 0
        assert {o.folder_id for o in by_name.orders} == {2}
        await services.orders.list(store, OrderFilters(folders="Prepared"), limit=10)
        assert od_store.request_count("GET", "/store") == 1

    async def test_unknown_folder_name_lists_the_folders(
        self, services: Services, store: StoreRecord
    ) -> None:
        with pytest.raises(FolderNotFoundError, match=r"Did you mean 'Closed'.*New \(1\)"):
            await services.orders.list(store, OrderFilters(folders="Closd"))

    async def test_filters_reach_the_server(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        order = od_store.orders[first_order_id(od_store)]
        found = await services.orders.list(store, OrderFilters(email=order["email"]))
        assert order["id"] in [o.id for o in found.orders]
        assert all(o.email.casefold() == order["email"].casefold() for o in found.orders)
        by_source = await services.orders.find_by_source_id(store, order["source_id"])
        assert by_source is not None and by_source.id == order["id"]


class TestUpdate:
    async def test_uncontested_update_costs_get_and_put(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        order_id = first_order_id(od_store)
        result = await services.orders.update(
            store, order_id, {"shipping": {"city": "Round Rock"}}, actor="gui"
        )
        assert od_store.request_count() == 2
        assert od_store.request_count("GET") == 1 and od_store.request_count("PUT") == 1
        assert [c.name for c in result.changes] == ["shipping.city"]
        assert od_store.orders[order_id]["shipping"]["city"] == "Round Rock"

    async def test_other_fields_of_the_raw_record_are_unchanged(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        order_id = first_order_id(od_store)
        before = copy.deepcopy(od_store.orders[order_id])
        await services.orders.update(
            store, order_id, {"shipping": {"address2": "Suite 9"}}, actor="gui"
        )
        after = copy.deepcopy(od_store.orders[order_id])
        assert after["shipping"]["address2"] == "Suite 9"
        after["shipping"]["address2"] = before["shipping"]["address2"]
        assert strip_version(after) == strip_version(before)
        assert after["date_updated"] != before["date_updated"]

    async def test_edit_between_callers_read_and_update_is_detected(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        order_id = first_order_id(od_store)
        seen = await services.orders.get(store, order_id)
        od_store.edit_order(order_id, {"email": "someone.else@example.com"})
        with pytest.raises(OrderConflict, match=r"changed since.*email") as caught:
            await services.orders.update(
                store, order_id, {"shipping": {"city": "Austin"}}, actor="mcp:claude",
                expected_date_updated=str(seen.raw["date_updated"]),
            )  # fmt: skip
        assert caught.value.changed_fields == ("email",)
        assert od_store.request_count("PUT") == 0
        fresh = await services.orders.get(store, order_id, fresh=True)
        await services.orders.update(
            store, order_id, {"shipping": {"city": "Austin"}}, actor="mcp:claude",
            expected_date_updated=str(fresh.raw["date_updated"]),
        )  # fmt: skip
        stored = od_store.orders[order_id]
        assert stored["email"] == "someone.else@example.com"
        assert stored["shipping"]["city"] == "Austin"

    async def test_edit_before_update_without_version_survives(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        order_id = first_order_id(od_store)
        await services.orders.get(store, order_id)
        od_store.edit_order(order_id, {"tag_name": "vip"})
        await services.orders.update(store, order_id, {"tag_color": "red"}, actor="gui")
        assert od_store.orders[order_id]["tag_name"] == "vip"
        assert od_store.orders[order_id]["tag_color"] == "red"

    async def test_edit_inside_our_get_put_window_is_the_documented_gap(
        self, services: Services, store: StoreRecord, od_store: SandboxStore, sandbox: SandboxServer
    ) -> None:
        """The API has no conditional PUT: an edit landing right after our GET is overwritten.

        What we guarantee: the PUT is the very next request after the GET, our change lands,
        and an edit landing right after our PUT survives.
        """
        order_id = first_order_id(od_store)
        sandbox.add_fault(
            Fault(kind="concurrent_edit", method="GET", path=f"/orders/{order_id}",
                  changes={"tag_name": "edited-in-window"})
        )  # fmt: skip
        await services.orders.update(store, order_id, {"tag_color": "blue"}, actor="gui")
        assert od_store.request_count() == 2
        assert od_store.orders[order_id]["tag_color"] == "blue"
        assert od_store.orders[order_id]["tag_name"] != "edited-in-window"

        sandbox.add_fault(
            Fault(kind="concurrent_edit", method="PUT", path=f"/orders/{order_id}",
                  changes={"tag_name": "edited-after-put"})
        )  # fmt: skip
        await services.orders.update(store, order_id, {"tag_color": "green"}, actor="gui")
        assert od_store.orders[order_id]["tag_name"] == "edited-after-put"
        assert od_store.orders[order_id]["tag_color"] == "green"

    async def test_failed_put_is_retried_after_a_fresh_read(
        self, services: Services, store: StoreRecord, od_store: SandboxStore, sandbox: SandboxServer
    ) -> None:
        order_id = first_order_id(od_store)
        sandbox.add_fault(Fault(kind="status", status=503, method="PUT", path="/orders/*"))
        sandbox.add_fault(
            Fault(kind="concurrent_edit", method="GET", path=f"/orders/{order_id}",
                  changes={"tag_name": "edited-before-retry"})
        )  # fmt: skip
        od_store.reset_counts()
        await services.orders.update(store, order_id, {"tag_color": "teal"}, actor="gui")
        assert od_store.request_count("GET") == 2 and od_store.request_count("PUT") == 2
        assert od_store.orders[order_id]["tag_color"] == "teal"

    async def test_put_failing_for_good_raises(
        self, services: Services, store: StoreRecord, od_store: SandboxStore, sandbox: SandboxServer
    ) -> None:
        order_id = first_order_id(od_store)
        sandbox.add_fault(Fault(kind="status", status=500, method="PUT", path="/orders/*", times=9))
        with pytest.raises(ServerError):
            await services.orders.update(store, order_id, {"tag_color": "x"}, actor="gui")
        assert od_store.request_count("PUT") == services.pool.retry.max_attempts

    async def test_nothing_to_change_sends_no_put(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        order_id = first_order_id(od_store)
        city = od_store.orders[order_id]["shipping"]["city"]
        result = await services.orders.update(
            store, order_id, {"shipping": {"city": city}}, actor="gui"
        )
        assert not result.written and result.audit_id is None
        assert od_store.request_count("PUT") == 0
        [entry] = (await services.audit.query(action="order.update")).entries
        assert entry.outcome.startswith("no change") and entry.window_ms is None

    async def test_preview_returns_the_diff_and_writes_nothing(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        order_id = first_order_id(od_store)
        changes = await services.orders.preview_update(
            store, order_id, {"checkout_data": {"Gift Message": "Hi"}, "email": "a@b.example"}
        )
        assert {c.name for c in changes} == {"checkout_data.Gift Message", "email"}
        assert od_store.request_count("PUT") == 0

    async def test_refused_change_is_explained(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        with pytest.raises(InvalidChangeError, match="move the order"):
            await services.orders.update(
                store, first_order_id(od_store), {"folder_id": 3}, actor="gui"
            )

    async def test_update_refreshes_cached_reads(
        self, services: Services, store: StoreRecord, od_store: SandboxStore
    ) -> None:
        order_id = first_order_id(od_store)
        await services.orders.get(store, order_id)
        listed = await services.orders.list(store, limit=5)
        await services.orders.update(store, order_id, {"tag_name": "fresh"}, actor="gui")
        assert (await services.orders.get(store, order_id)).raw["tag_name"] == "fresh"
        od_store.reset_counts()
        await services.orders.list(store, limit=5)
        assert od_store.request_count() == 1
        assert listed.total == 120
