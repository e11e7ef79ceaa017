"""Dates as Vietnamese readers write them."""

from __future__ import annotations

import re

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def format_date(iso: str) -> str:
    """'2024-05-31' → '31/5/2024', '2020-03' → 'tháng 3/2020', '2020' → 'năm 2020'; other text unchanged."""
    match = _ISO.match(iso.strip()) if iso else None
    if not match:
        return iso or ""
    year, month, day = match.groups()
    if day:
        return f"{int(day)}/{int(month)}/{year}"
    if month:
        return f"tháng {int(month)}/{year}"
    return f"năm {year}"
