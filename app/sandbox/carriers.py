"""Carrier detection from tracking numbers, and tracking links per carrier."""

from __future__ import annotations

TRACKING_URLS = {
    "UPS": "https://www.ups.com/track?tracknum={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "DHL": "https://www.dhl.com/en/express/tracking.html?AWB={}",
}


def detect_carrier(tracking_number: str) -> str:
    """Guess the carrier code from a tracking number, or ``""`` when unsure.

    Patterns: ``1Z…`` is UPS; 20-22 digits starting 92/93/94 is USPS; 12 or 15 digits is
    FedEx; 10 digits is DHL Express.
    """
    number = tracking_number.replace(" ", "").upper()
    if number.startswith("1Z") and len(number) == 18:
        return "UPS"
    if not number.isdigit():
        return ""
    if 20 <= len(number) <= 22 and number[:2] in ("92", "93", "94"):
        return "USPS"
    if len(number) in (12, 15):
        return "FedEx"
    if len(number) == 10:
        return "DHL"
    return ""


def tracking_url_for(carrier_code: str, tracking_number: str) -> str:
    """Return the public tracking link for a known carrier, else ``""``."""
    for code, pattern in TRACKING_URLS.items():
        if code.casefold() == carrier_code.casefold():
            return pattern.format(tracking_number.replace(" ", ""))
    return ""
