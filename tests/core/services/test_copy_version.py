"""Items and shipments have no date_updated: the copy a person edited is their version."""

from __future__ import annotations

import pytest

from app.core.services import OrderConflict
from app.core.services.order_lines import ITEM_RULES
from app.core.services.update import UpdatePlan, check_version, copy_differs

SHOWN = {"id": "7", "name": "Mug", "price": "12.50", "quantity": 2, "date_added": "x"}


def test_equal_amounts_in_other_forms_are_the_same_copy() -> None:
    current = {**SHOWN, "price": 12.5, "quantity": "2", "date_added": "y", "weight": "1"}
    assert copy_differs(SHOWN, current) == []  # dates and fields only one side has are skipped


def test_a_field_changed_since_is_a_conflict_that_names_it() -> None:
    plan = UpdatePlan("7", {"quantity": 3}, ITEM_RULES, based_on=SHOWN, kind="order item",
                      compare_copy=True)  # fmt: skip
    with pytest.raises(OrderConflict, match=r"Order item 7 changed.*changed since: price") as info:
        check_version(plan, {**SHOWN, "price": "13.00"})
    assert info.value.changed_fields == ("price",)
    check_version(plan, dict(SHOWN))  # unchanged: no conflict
    check_version(UpdatePlan("7", {"quantity": 3}, ITEM_RULES), {**SHOWN, "price": "1"})
