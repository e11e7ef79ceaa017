"""What a question asks for, read from its words alone: pure functions, no index needed.

- `definition_subject`: 'Bình đẳng giới là gì?' asks for the definition of 'Bình đẳng giới';
- `answer_type`: 'khi nào' wants a date, 'bao nhiêu' a figure, 'văn bản nào' a document number,
  'ai / cơ quan nào' an actor, 'gồm những gì' a list;
- `answer_kinds`: which of those a passage can give;
- `facts_of`: the document numbers, dates and years a text names.
"""

from __future__ import annotations

import re

from index.normalise import match_key, plain_key, strip_diacritics
from index.tokenise import analyse_protected, split_protected

_DEFINITION_QUESTION = re.compile(
    r"^(?P<subject>.{3,80}?)\s+(?:là gì|la gi|là như thế nào|nghĩa là gì|được hiểu (?:là gì|như thế nào))(?:\s*[?,;.]|\s*$)",
    re.IGNORECASE,
)
# Matched on the lower-case diacritic-free question, so typed marks do not matter.
_ANSWER_TYPE_QUESTIONS = (
    ("document", re.compile(r"\b(van ban|nghi dinh|thong tu|quyet dinh|nghi quyet|cong van|chi thi|ke hoach|luat) (nao|so may|so bao nhieu)\b|\bso (may|bao nhieu)\b|\bso hieu\b")),
    ("date", re.compile(r"\b(ngay nao|khi nao|bao gio|thoi gian nao|luc nao|thang may|thang nao|nam nao|tu ngay|den ngay|truoc ngay|thoi han)\b")),
    ("figure", re.compile(r"\b(bao nhieu|may (con|thang|ngay|gio|phut|nam|lan|nguoi)|ty le|muc chi|muc phat)\b")),
    ("actor", re.compile(r"\b(ai|co quan nao|don vi nao|bo nao|so nao|phong nao|to chuc nao|ben nao|cap nao|nguoi nao)\b")),
    ("list", re.compile(r"\b(gom nhung|bao gom|nhung (gi|nao|hanh vi|bien phap|noi dung|nhiem vu|hoat dong)|cac (hanh vi|bien phap|noi dung|nhiem vu|hoat dong) nao)\b")),
)
# Words that say what kind of answer is wanted, not what the question is about: a passage
# that answers 'Dự án 8 tên đầy đủ là gì' or '… đến lúc nào thì dừng' need not hold them.
# Matched on underthesea's words (tone-folded, lower case, syllables joined by '_').
REQUEST_WORDS = frozenset(
    """
    lúc_nào khi_nào bao_giờ bao_lâu tại_sao vì_sao ở_đâu đâu thế_nào như_thế_nào ra_sao
    tên tên_gọi đầy_đủ hay_không có_không coi được_coi coi_là
    """.split()
)

# An actor: an agency or office named beside what it is charged with.
_AGENCY = re.compile(r"\b(so|bo|uy ban|ubnd|phong|hoi|cong doan|doan thanh nien|co quan|don vi|ban|truong|chu tich|giam doc|thu truong)\b")
_CHARGED = re.compile(r"\b(chu tri|phoi hop|chiu trach nhiem|co trach nhiem|duoc giao|giao|tham muu|dau moi|trien khai|thuc hien)\b")
# A list: at least two lines opened by an enumerator (a), b), -, +, 1., 2.).
_LIST_ITEM = re.compile(r"^\s*(?:[a-zđ]\)|[-+•–]\s|\d+(?:\.\d+)*[.)]\s)", re.MULTILINE)
_DATE_WORDS = re.compile(r"\bngay \d{1,2}\b|\bthang \d{1,2}\b|\bnam (19|20)\d{2}\b")
# A figure: a number with its unit (not a khoản / list number at a line start), or a number
# word before a unit ('hai con').
_FIGURE = re.compile(
    r"(?<=[^\n\w/])\d+(?:[.,]\d+)*\s*(?:%|phút|giờ|ngày|tháng|năm|tuổi|lần|người|đồng|triệu|tỷ|con|tuần|buổi)"
    r"|\b(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+(?:con|tháng|ngày|giờ|phút|lần|người|năm|tuần)\b",
    re.MULTILINE,
)
_YEAR = re.compile(r"(?<![\d/.-])(?:19|20)\d{2}(?![\d/])")


def answer_type(question: str) -> str | None:
    """What kind of thing the question asks for: 'document', 'date', 'figure', 'actor', 'list', or None."""
    bare = plain_key(question)
    for kind, pattern in _ANSWER_TYPE_QUESTIONS:
        if pattern.search(bare):
            return kind
    return None


def answer_kinds(text: str) -> set[str]:
    """The kinds of answer a passage can give: dates, figures, document numbers, actors, lists."""
    kinds = set()
    for kind, piece in split_protected(text):
        if kind == "number":
            kinds.add("document")
        elif kind in ("date", "range"):
            kinds.add("date")
        elif kind == "percent":
            kinds.add("figure")
    bare = plain_key(text)
    if _DATE_WORDS.search(bare) or _YEAR.search(text):
        kinds.add("date")
    if _FIGURE.search(text):
        kinds.add("figure")
    if _AGENCY.search(bare) and _CHARGED.search(bare):
        kinds.add("actor")
    if len(_LIST_ITEM.findall(text)) >= 2:
        kinds.add("list")
    return kinds


def definition_subject(question: str) -> str | None:
    """'Bình đẳng giới là gì?' → 'Bình đẳng giới'; None for other questions."""
    match = _DEFINITION_QUESTION.match(question.strip())
    return match.group("subject").strip() if match else None


def facts_of(text: str) -> set[str]:
    """Document numbers, dates and years a text names, in diacritic-free matching form."""
    found = {strip_diacritics(key) for key in analyse_protected(text)}
    found.update(_YEAR.findall(text))
    return found


def document_numbers(text: str) -> frozenset[str]:
    """The document numbers a text names ('48/2009/NĐ-CP', '174/KH-UBND'), in matching form."""
    return frozenset(
        strip_diacritics(match_key(piece.replace(" ", "")))
        for kind, piece in split_protected(text)
        if kind == "number" and "/" in piece and any(ch.isdigit() for ch in piece)
    )
