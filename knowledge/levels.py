"""Administrative level and currency: which tier of government a text is about, whether a
question asks for what holds now, and whether a document is in force.

Vietnam's administration has four tiers a policy question names: trung ương (the Government,
ministries and sectors), tỉnh (province, or city under the central government), huyện (district,
quận, thị xã, city under a province) and xã (commune, phường, thị trấn). A question about "UBND
cấp xã" wants the provision about communes, not the one about provinces.
"""

from __future__ import annotations

import re
from functools import lru_cache

from knowledge.folding import fold

XA = "xa"
HUYEN = "huyen"
TINH = "tinh"
TRUNG_UONG = "trung_uong"
LEVELS = (XA, HUYEN, TINH, TRUNG_UONG)

_BODIES = r"(?:ubnd|uy ban nhan dan|hdnd|hoi dong nhan dan|chinh quyen|chu tich ubnd|chu tich uy ban nhan dan|can bo|cong chuc|dia ban)"
# Folded patterns: only phrases that stay unambiguous without marks ("xa" alone is also "xã hội",
# "phuong" also "địa phương", "quan" also "cơ quan", "tinh" also "giới tính").
_FOLDED: dict[str, tuple[str, ...]] = {
    XA: (
        r"\bcap (?:xa|phuong|co so)\b", rf"\b{_BODIES} (?:cac )?(?:xa|phuong|thi tran)\b",
        r"\bxa,? phuong\b", r"\bphuong,? xa\b", r"\bxa,? thi tran\b", r"\bthi tran\b",
    ),
    HUYEN: (
        r"\bcap (?:huyen|quan)\b", rf"\b{_BODIES} (?:cac )?(?:huyen|quan|thi xa)\b", r"\bhuyen,? quan\b",
        r"\bquan,? huyen\b", r"\bthanh pho thuoc tinh\b", r"\bthi xa\b",
    ),
    TINH: (
        r"\bcap tinh\b", rf"\b{_BODIES} (?:cac )?(?:tinh|thanh pho)\b", r"\btinh, thanh pho\b",
        r"\bthanh pho truc thuoc trung uong\b", r"\bso, ban, nganh\b", r"\bcac so\b",
    ),
    TRUNG_UONG: (
        # "thành phố trực thuộc trung ương" is a province, not the centre.
        r"\bcap trung uong\b", r"\b(?<!truc thuoc )trung uong\b", r"\bbo, nganh\b", r"\bbo nganh\b",
        r"\bco quan ngang bo\b", r"\bcap bo\b", r"\bcac bo\b", r"\b(?<!phi )chinh phu\b", r"\bthu tuong\b",
        r"\bpham vi ca nuoc\b", r"\btoan quoc\b",
    ),
}
# Marked patterns, for the single words the folded form cannot tell apart.
_MARKED: dict[str, tuple[str, ...]] = {
    XA: (r"\bxã\b(?! hội)", r"\bphường\b", r"\bthị trấn\b"),
    HUYEN: (r"\bhuyện\b", r"\bquận\b", r"\bthị xã\b"),
    TINH: (r"\btỉnh\b",),
    TRUNG_UONG: (),
}
_FOLDED_PATTERNS = {level: re.compile("|".join(patterns)) for level, patterns in _FOLDED.items()}
_MARKED_PATTERNS = {level: re.compile("|".join(patterns)) for level, patterns in _MARKED.items() if patterns}


@lru_cache(maxsize=65536)  # passages are asked about again and again: read each text once
def levels_mentioned(text: str) -> frozenset[str]:
    """The administrative levels a text names: {'xa', 'huyen', 'tinh', 'trung_uong'}, with or
    without diacritics ('UBND cấp xã', 'ubnd cap xa', 'xã, phường, thị trấn' → {'xa'})."""
    folded = fold(text)
    found = {level for level, pattern in _FOLDED_PATTERNS.items() if pattern.search(folded)}
    lowered = " ".join(text.lower().split())
    found |= {level for level, pattern in _MARKED_PATTERNS.items() if pattern.search(lowered)}
    return frozenset(found)


_CURRENT = re.compile(
    r"\b(?:hien nay|hien hanh|hien tai|hien gio|moi nhat|bay gio|luc nay|con hieu luc|dang (?:co )?hieu luc"
    r"|dang (?:duoc )?ap dung|con (?:duoc )?ap dung|nam nay|gan day nhat)\b"
)


def asks_current(question: str) -> bool:
    """Whether a question asks for what holds now: 'hiện nay', 'hiện hành', 'mới nhất', 'bây giờ',
    'còn hiệu lực' (with or without diacritics)."""
    return bool(_CURRENT.search(fold(question)))


IN_FORCE = "in-force"
AMENDED = "amended"
HISTORICAL = "historical"
CHECK = "check"
STATUSES = (IN_FORCE, AMENDED, HISTORICAL, CHECK)


def is_in_force(source) -> bool:
    """Whether a Source is in force as issued (manifest status 'in-force'). 'amended' (in force but
    changed), 'historical' (a record of an ended period), 'check' (not verified) and an unknown
    status are not: their passages carry the source's note."""
    return (getattr(source, "status", "") or "").strip().lower() == IN_FORCE
