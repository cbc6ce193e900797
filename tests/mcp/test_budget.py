"""The result budget and the one notice per result (pure shaping, no server)."""

from __future__ import annotations

from app.mcp.shaping import UNTRUSTED_NOTICE, group
from app.mcp.shaping.budget import fit, hoist_notice, tokens
from app.mcp.shaping.paging import page_info


def _page(count: int, size: int, total: int = 1000) -> dict[str, object]:
    records = [
        {"id": str(n), "items": [{"sku": "x" * size}], "untrusted": group({"name": f"n{n}"})}
        for n in range(count)
    ]
    return hoist_notice(
        {"orders": records, "page": page_info(total=total, offset=10, returned=count, tool="t")}
    )


def test_the_notice_appears_once_at_the_top() -> None:
    data = _page(5, 10)
    assert next(iter(data)) == "_notice" and data["_notice"] == UNTRUSTED_NOTICE
    assert str(data).count(UNTRUSTED_NOTICE) == 1
    assert all("_notice" not in row["untrusted"] for row in data["orders"])  # type: ignore[attr-defined]
    assert hoist_notice({"stores": [1]}) == {"stores": [1]}


def test_a_small_result_is_untouched() -> None:
    data = _page(5, 10)
    fitted = fit(data, 8000, "t")
    assert fitted.note is None and fitted.data == data


def test_a_large_page_keeps_what_fits_and_points_at_the_rest() -> None:
    fitted = fit(_page(100, 400), 2000, "orders_list")
    assert fitted.note is not None and tokens(fitted.data) <= 2000
    kept = fitted.data["page"]["returned"]
    assert 0 < kept < 100 and len(fitted.data["orders"]) == kept
    assert fitted.data["page"]["next_offset"] == 10 + kept
    assert f"offset={10 + kept}" in fitted.data["page"]["hint"]
    assert fitted.data["budget"] == fitted.note


def test_records_too_large_alone_are_cut_to_plain_fields() -> None:
    fitted = fit(_page(3, 40_000), 2000, "t")
    assert fitted.note is not None and "plain fields" in fitted.note
    assert tokens(fitted.data) <= 2000
    row = fitted.data["orders"][0]
    assert "items" not in row and row["untrusted"] == {"name": "n0"}
    assert fitted.data["page"]["next_offset"] is not None
