"""The one table of Vietnamese document types: what each is called, how its header and number
name it, and what kind of text it is.

Every room reads document types from here: the metadata reader (header words and number
codes), the citation line (the short name), the bot (the order sources are listed in) and the
brief (which sources are legal texts).
"""

from __future__ import annotations

from dataclasses import dataclass

LEGAL = "legal"  # binding legal texts: laws, decrees, circulars, decisions, resolutions …
PLAN = "plan"  # plans, reports and other administrative documents of an agency
NEWS = "news"  # a news article (often about a plan); cited as news, never as the plan itself
GUIDANCE = "guidance"  # guidance, official letters, notices
KINDS = (LEGAL, PLAN, NEWS, GUIDANCE)


@dataclass(frozen=True)
class DocType:
    """One document type: its key in Source.doc_type, its Vietnamese name, its kind."""

    key: str
    name: str  # "Nghị định"
    kind: str  # one of KINDS
    header_words: tuple[str, ...] = ()  # how the header names it ("NGHỊ ĐỊNH")
    number_codes: tuple[str, ...] = ()  # its code in a document number ("NĐ" in 25/2025/NĐ-CP)
    order: int | None = None  # where its sources are listed (lower first); None: after all ranked types


# Ranked types first, in the order sources are listed to a user.
DOC_TYPES: tuple[DocType, ...] = (
    DocType("law", "Luật", LEGAL, ("BỘ LUẬT", "LUẬT"), order=0),
    DocType("code", "Bộ luật", LEGAL, order=1),
    DocType("decree", "Nghị định", LEGAL, ("NGHỊ ĐỊNH",), ("NĐ",), order=2),
    DocType("circular", "Thông tư", LEGAL, ("THÔNG TƯ LIÊN TỊCH", "THÔNG TƯ"), ("TT", "TTLT"), order=3),
    DocType("decision", "Quyết định", LEGAL, ("QUYẾT ĐỊNH",), ("QĐ",), order=4),
    DocType("plan", "Kế hoạch", PLAN, ("KẾ HOẠCH",), ("KH",), order=5),
    DocType("guidance", "Hướng dẫn", GUIDANCE, ("HƯỚNG DẪN",), ("HD", "HĐ"), order=6),
    DocType("news", "Tin bài", NEWS, order=7),
    DocType("resolution", "Nghị quyết", LEGAL, ("NGHỊ QUYẾT",), ("NQ",)),
    DocType("directive", "Chỉ thị", LEGAL, ("CHỈ THỊ",), ("CT",)),
    DocType("ordinance", "Pháp lệnh", LEGAL, ("PHÁP LỆNH",), ("PL",)),
    DocType("letter", "Công văn", GUIDANCE, ("CÔNG VĂN",)),
    DocType("notice", "Thông báo", GUIDANCE, ("THÔNG BÁO",), ("TB",)),
    DocType("report", "Báo cáo", PLAN, ("BÁO CÁO",), ("BC",)),
    DocType("document", "Văn bản", PLAN),
)
BY_KEY: dict[str, DocType] = {doc_type.key: doc_type for doc_type in DOC_TYPES}

# Header word → type key, longest first so "BỘ LUẬT" wins over "LUẬT" and "THÔNG TƯ LIÊN TỊCH" over "THÔNG TƯ".
HEADER_WORDS: dict[str, str] = dict(
    sorted(((word, t.key) for t in DOC_TYPES for word in t.header_words), key=lambda item: -len(item[0]))
)
NUMBER_CODES: dict[str, str] = {code: t.key for t in DOC_TYPES for code in t.number_codes}
LEGAL_TYPES: frozenset[str] = frozenset(t.key for t in DOC_TYPES if t.kind == LEGAL)
LISTING_ORDER: tuple[str, ...] = tuple(t.key for t in sorted(DOC_TYPES, key=lambda t: (t.order is None, t.order or 0)) if t.order is not None)


def name_of(doc_type: str) -> str:
    """'decree' → 'Nghị định'; '' for an unknown key."""
    known = BY_KEY.get(doc_type)
    return known.name if known else ""


def listing_rank(doc_type: str) -> int:
    """Where sources of this type are listed: laws first, news last, unranked types after all."""
    known = BY_KEY.get(doc_type)
    return known.order if known and known.order is not None else len(LISTING_ORDER)


def kind_of(source) -> str:
    """'legal', 'plan', 'news' or 'guidance' for a Source (or anything with doc_type/text_kind/about_document).

    A web page that reports on another document (it has `about_document`) is news whatever its type
    says; an unknown type reads as legal when the text is codified law, else as an administrative plan."""
    doc_type = getattr(source, "doc_type", "") or ""
    known = BY_KEY.get(doc_type)
    if known is not None and known.kind == NEWS:
        return NEWS
    if getattr(source, "text_kind", "") == "web-page" and getattr(source, "about_document", ""):
        return NEWS
    if known is not None:
        return known.kind
    return LEGAL if getattr(source, "text_kind", "") == "legal-text" else PLAN
