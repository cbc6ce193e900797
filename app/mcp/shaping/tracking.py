"""Keep a shipment's tracking link in step with its carrier and tracking number.

Order Desk derives ``tracking_url`` when a shipment is added without one, but an update that
changes only the number (or the carrier) keeps the old link, which then tracks someone else's
parcel. :func:`link_changes` adds the matching link (or clears a link it cannot build).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TRACKING_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "DHL": "https://www.dhl.com/en/express/tracking.html?AWB={}",
}
"""Public tracking pages of the carriers Order Desk detects, as Order Desk builds them."""

UNTRACKED = frozenset({"", "n/a", "na", "none"})


def tracking_url_for(carrier_code: str, tracking_number: str) -> str:
    """The tracking page for a known carrier and a real number, else ``""``."""
    number = tracking_number.replace(" ", "")
    if number.casefold() in UNTRACKED:
        return ""
    for code, pattern in TRACKING_URLS.items():
        if code.casefold() == carrier_code.strip().casefold():
            return pattern.format(number)
    return ""


def link_changes(current: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` plus the ``tracking_url`` that matches the shipment after them.

    Args:
        current: The shipment as Order Desk holds it.
        changes: The fields the caller changes.

    Returns:
        ``changes`` unchanged when they set ``tracking_url`` themselves or touch neither the
        number nor the carrier; else with ``tracking_url`` built for the new carrier and number
        (``""`` for a carrier without a known page, so no stale link is left behind).
    """
    touched = "tracking_number" in changes or "carrier_code" in changes
    if "tracking_url" in changes or not touched:
        return dict(changes)
    number = str(changes.get("tracking_number", current.get("tracking_number")) or "")
    carrier = str(changes.get("carrier_code", current.get("carrier_code")) or "")
    url = tracking_url_for(carrier, number)
    if url == str(current.get("tracking_url") or ""):
        return dict(changes)
    return {**changes, "tracking_url": url}
