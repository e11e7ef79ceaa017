"""The citation line a person reads under a quotation, e.g.
`Luật Bình đẳng giới 73/2006/QH11 (Quốc hội, 29/11/2006), Điều 5 khoản 3`.

A news page is cited as the news it is, never as the plan it reports on:
`Tin bài: Bình Phước triển khai … (Ủy ban nhân dân tỉnh Bình Phước, 21/3/2023), đoạn 4`.
A signature passage names the signer: `Kế hoạch 174/KH-UBND (…), phần chữ ký: KT. CHỦ TỊCH,
PHÓ CHỦ TỊCH Trần Thị Diệu Thúy`. The location is always the last part of the line.
"""

from __future__ import annotations

from knowledge import dates, doctypes, roles
from knowledge.types import Source

NEWS_LABEL = "Tin bài"


def short_name(source: Source) -> str:
    """What a civil servant calls the document: 'Luật Bình đẳng giới', 'Nghị định', 'Kế hoạch'."""
    if doctypes.kind_of(source) == doctypes.NEWS:
        return f"{NEWS_LABEL}: {source.title}"
    if source.doc_type in ("law", "code"):
        return source.title.split(" — ")[0].strip()
    return doctypes.name_of(source.doc_type) or source.title


def document_label(source: Source) -> str:
    """Name, number, issuer and date of a source in one line, without a location."""
    if doctypes.kind_of(source) == doctypes.NEWS:
        # The page's own site and date; the number belongs to the plan it reports on, not to it.
        details = [part for part in (source.site or source.issuer, dates.format_date(source.published or source.issued)) if part]
        name = short_name(source)
        return f"{name} ({', '.join(details)})" if details else name
    name = short_name(source)
    number = source.number.strip()
    head = f"{name} {number}".strip() if number and number not in name else name
    details = [part for part in (source.issuer, dates.format_date(source.issued)) if part]
    return f"{head} ({', '.join(details)})" if details else head


def signer_line(source: Source) -> str:
    """'KT. CHỦ TỊCH, PHÓ CHỦ TỊCH Trần Thị Diệu Thúy', or '' when the signer is not known."""
    return " ".join(part for part in (source.signer_title, source.signer) if part)


def cite(source: Source, location: str, role: str = roles.BODY) -> str:
    """The full citation of a passage: document label, then where in it (for the signature
    block, who signed)."""
    label = document_label(source)
    if role == roles.SIGNATURE and signer_line(source):
        location = f"{location}: {signer_line(source)}" if location else signer_line(source)
    return f"{label}, {location}" if location else label
