"""The change-set rules and the field diff (pure)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from app.core.services import ABSENT, InvalidChangeError, apply_changes, diff
from app.core.services.merge import INVENTORY_RULES, FieldChange, revert_changes

ORDER: dict[str, Any] = {
    "id": "7",
    "email": "a@example.com",
    "folder_id": 1,
    "date_updated": "2025-01-01 10:00:00",
    "shipping": {"first_name": "Ann", "city": "Austin", "address2": "Apt 5"},
    "checkout_data": {"Gift Message": "Hi", "Note": "x"},
    "order_metadata": {"cart": {"id": "9", "v": 1}},
    "discount_list": [{"name": "A", "code": "A", "amount": "1.00"}],
    "order_notes": [{"content": "old", "username": "bob"}],
    "order_items": [{"id": "1", "code": "SKU"}],
}


def test_nested_objects_merge_and_input_is_untouched() -> None:
    original = copy.deepcopy(ORDER)
    result = apply_changes(ORDER, {"shipping": {"city": "Dallas"}})
    assert result["shipping"] == {"first_name": "Ann", "city": "Dallas", "address2": "Apt 5"}
    assert original == ORDER
    assert [c.name for c in diff(ORDER, result)] == ["shipping.city"]


def test_none_clears_scalars_and_removes_free_map_keys() -> None:
    result = apply_changes(
        ORDER,
        {
            "email": None,
            "shipping": {"address2": None},
            "checkout_data": {"Note": None, "New": "v"},
            "order_metadata": {"cart": {"v": None}},
        },
    )
    assert result["email"] == ""
    assert result["shipping"]["address2"] == ""
    assert result["checkout_data"] == {"Gift Message": "Hi", "New": "v"}
    assert result["order_metadata"] == {"cart": {"id": "9"}}
    assert apply_changes(ORDER, {"checkout_data": None})["checkout_data"] == {}


def test_structured_object_cannot_be_cleared_whole() -> None:
    with pytest.raises(InvalidChangeError, match="cannot be cleared as a whole"):
        apply_changes(ORDER, {"shipping": None})


def test_notes_are_appended_never_replaced() -> None:
    result = apply_changes(ORDER, {"order_notes": ["new one", {"content": "two", "username": "x"}]})
    assert result["order_notes"] == [
        {"content": "old", "username": "bob"},
        {"content": "new one"},
        {"content": "two", "username": "x"},
    ]
    with pytest.raises(InvalidChangeError, match="appended"):
        apply_changes(ORDER, {"order_notes": None})


def test_discount_list_is_replaced_as_a_whole() -> None:
    new = [{"name": "B", "code": "B", "amount": "2.00"}]
    assert apply_changes(ORDER, {"discount_list": new})["discount_list"] == new
    assert apply_changes(ORDER, {"discount_list": None})["discount_list"] == []
    with pytest.raises(InvalidChangeError, match="list of objects"):
        apply_changes(ORDER, {"discount_list": "B"})


@pytest.mark.parametrize(
    ("field", "hint"),
    [
        ("order_items", "order item operations"),
        ("order_shipments", "shipment operations"),
        ("folder_id", "move the order"),
        ("date_updated", "read-only"),
        ("id", "read-only"),
    ],
)
def test_refused_fields_say_what_to_do(field: str, hint: str) -> None:
    with pytest.raises(InvalidChangeError, match=hint):
        apply_changes(ORDER, {field: "x"})


def test_unknown_fields_are_refused_with_a_suggestion() -> None:
    with pytest.raises(InvalidChangeError, match="did you mean 'shipping'"):
        apply_changes(ORDER, {"shiping": {"city": "x"}})
    with pytest.raises(InvalidChangeError, match=r"shipping\.postal_cod.*postal_code"):
        apply_changes(ORDER, {"shipping": {"postal_cod": "1"}})


def test_known_field_missing_from_record_may_be_set() -> None:
    assert apply_changes(ORDER, {"tag_name": "vip"})["tag_name"] == "vip"


def test_values_must_be_plain() -> None:
    with pytest.raises(InvalidChangeError, match="plain value"):
        apply_changes(ORDER, {"email": {"x": 1}})
    with pytest.raises(InvalidChangeError, match="text, a number"):
        apply_changes(ORDER, {"email": object()})
    assert apply_changes(ORDER, {"tax_total": Decimal("1.10")})["tax_total"] == Decimal("1.10")


def test_inventory_rules_use_their_free_maps() -> None:
    item = {"id": "5", "name": "Tee", "metadata": {"a": "1", "b": "2"}, "stock": 3}
    result = apply_changes(item, {"metadata": {"a": None}, "stock": 9}, INVENTORY_RULES)
    assert result == {"id": "5", "name": "Tee", "metadata": {"b": "2"}, "stock": 9}
    with pytest.raises(InvalidChangeError, match="unknown field"):
        apply_changes(item, {"shipping": {}}, INVENTORY_RULES)


def test_diff_marks_added_and_removed_keys() -> None:
    after = apply_changes(ORDER, {"checkout_data": {"Note": None, "New": "v"}})
    changes = diff(ORDER, after)
    assert changes == [
        FieldChange(("checkout_data", "Note"), "x", ABSENT),
        FieldChange(("checkout_data", "New"), ABSENT, "v"),
    ]
    assert changes[0].as_dict() == {"field": "checkout_data.Note", "before": "x", "after": None}


def test_diff_ignores_named_fields_and_compares_lists_whole() -> None:
    after = dict(ORDER, date_updated="2030-01-01 00:00:00", discount_list=[])
    assert [c.name for c in diff(ORDER, after, ignore=("date_updated",))] == ["discount_list"]


def test_revert_changes_restore_the_before_side() -> None:
    after = apply_changes(
        ORDER, {"shipping": {"city": "Dallas"}, "checkout_data": {"New": "v"}, "order_notes": "n"}
    )
    undo = revert_changes(diff(ORDER, after))
    assert undo == {"shipping": {"city": "Austin"}, "checkout_data": {"New": None}}
    assert diff(ORDER, apply_changes(after, undo), ignore=("order_notes",)) == []
