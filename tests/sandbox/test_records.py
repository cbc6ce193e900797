"""Record building: value types, totals, carrier detection."""

from __future__ import annotations

import itertools

import pytest

from app.sandbox.carriers import detect_carrier, tracking_url_for
from app.sandbox.errors import ApiError
from app.sandbox.records import build_order, item_of, recalc_totals, shipment_of


def new_id() -> int:
    return next(COUNTER)


COUNTER = itertools.count(1)


@pytest.mark.parametrize(
    ("number", "carrier"),
    [
        ("1Z999AA10123456784", "UPS"),
        ("9400111899223856021234", "USPS"),
        ("92055901755477000000000", ""),
        ("420123456789", "FedEx"),
        ("123456789012345", "FedEx"),
        ("1234567890", "DHL"),
        ("n/a", ""),
    ],
)
def test_detect_carrier(number: str, carrier: str) -> None:
    assert detect_carrier(number) == carrier


def test_tracking_url() -> None:
    assert tracking_url_for("fedex", "420 123") == "https://www.fedex.com/fedextrack/?trknbr=420123"
    assert tracking_url_for("Royal Mail", "X") == ""


def test_build_order_computes_missing_totals_with_decimals() -> None:
    body = {
        "order_items": [{"price": "0.10", "quantity": 3}, {"price": 0.2, "quantity": 1}],
        "discount_list": [{"amount": "0.05"}],
        "shipping_total": "0.1",
    }
    order = build_order(body, new_item_id=new_id, new_shipment_id=new_id)
    assert order["product_total"] == 0.5 and order["discount_total"] == 0.05
    assert order["order_total"] == 0.55 and order["processor_balance"] == 0.55
    assert order["order_items"][0]["price"] == "0.10"
    assert order["discount_list"][0]["amount"] == "0.05"


def test_build_order_keeps_given_totals_and_masks_card() -> None:
    body = {"order_items": [], "order_total": "99.99", "cc_number": "4242424242424242"}
    order = build_order(body, new_item_id=new_id, new_shipment_id=new_id)
    assert order["order_total"] == 99.99 and order["cc_number_masked"] == "xxxxxxxxxxxx4242"
    assert "cc_number" not in order


def test_limits_on_checkout_data_and_types() -> None:
    with pytest.raises(ApiError):
        build_order(
            {"checkout_data": {"x": "y" * 4000}}, new_item_id=new_id, new_shipment_id=new_id
        )
    with pytest.raises(ApiError):
        build_order({"shipping": "Paris"}, new_item_id=new_id, new_shipment_id=new_id)
    with pytest.raises(ApiError):
        item_of({"quantity": 1.5}, "1")


def test_recalc_totals_after_item_change() -> None:
    order = build_order(
        {"order_items": [{"price": "5", "quantity": 2}], "tax_total": 1, "discount_total": 2},
        new_item_id=new_id,
        new_shipment_id=new_id,
    )
    order["order_items"].append(item_of({"price": "2.5", "quantity": 2, "weight": 0.3}, "9"))
    recalc_totals(order)
    assert (order["quantity_total"], order["product_total"], order["order_total"]) == (
        4,
        15.0,
        14.0,
    )
    assert order["weight_total"] == 0.6


def test_shipment_needs_tracking_number() -> None:
    with pytest.raises(ApiError):
        shipment_of({"tracking_number": "  "}, "1")
    shipment = shipment_of({"tracking_number": "n/a", "order_items": [{"id": 5}]}, "1")
    assert shipment["order_items"] == [{"id": "5", "quantity": 1}]
    assert shipment["weight"] == "0" and shipment["print_status"] == "0"
