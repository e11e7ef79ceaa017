"""The citation line a person reads under a quotation, e.g.
`Luật Bình đẳng giới 73/2006/QH11 (Quốc hội, 29/11/2006), Điều 5 khoản 3`."""

from __future__ import annotations

import re

from knowledge import dates
from knowledge.types import Source

_TYPE_NAMES = {
    "decree": "Nghị định",
    "circular": "Thông tư",
    "decision": "Quyết định",
    "plan": "Kế hoạch",
    "letter": "Công văn",
    "guidance": "Hướng dẫn",
    "directive": "Chỉ thị",
    "resolution": "Nghị quyết",
}


def short_name(source: Source) -> str:
    """What a civil servant calls the document: 'Luật Bình đẳng giới', 'Nghị định', 'Kế hoạch'."""
    if source.doc_type == "law":
        return source.title.split(" — ")[0].strip()
    if source.about_document:
        # A news page about "Kế hoạch số 95/KH-UBND ngày 21/3/2023" is cited as that plan.
        match = re.match(r"^(.*?)\s+(?:số\s+)?\d*/", source.about_document)
        if match:
            return match.group(1).strip()
    return _TYPE_NAMES.get(source.doc_type, source.title)


def document_label(source: Source) -> str:
    """Name, number, issuer and date of a source in one line, without a location."""
    name = short_name(source)
    number = source.number.strip()
    head = f"{name} {number}".strip() if number and number not in name else name
    details = [part for part in (source.issuer, dates.format_date(source.issued)) if part]
    return f"{head} ({', '.join(details)})" if details else head


def cite(source: Source, location: str) -> str:
    """The full citation of a passage: document label, then where in it."""
    label = document_label(source)
    return f"{label}, {location}" if location else label
