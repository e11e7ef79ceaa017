"""What part of an administrative document a passage is, and which parts a question asks about.

A Vietnamese administrative document has a fixed anatomy: a letterhead (agency, quốc hiệu,
number, place and date, type and title), a preamble of legal bases ("Căn cứ …", "Theo đề
nghị …"), the body, in legal texts an execution clause ("Điều 5. Hiệu lực thi hành",
"… chịu trách nhiệm thi hành Nghị định này"), then the recipients ("Nơi nhận") and the
signature block ("KT. CHỦ TỊCH / PHÓ CHỦ TỊCH / name"). Each passage carries one of these
roles, so a question about who signed is answered from the signature and a question about
the subject is not answered from the preamble.
"""

from __future__ import annotations

import re
from enum import StrEnum

from knowledge.folding import fold


class Role(StrEnum):
    """A passage's part of its document (the values are what Passage.role holds)."""

    LETTERHEAD = "letterhead"
    PREAMBLE = "preamble"
    BODY = "body"
    EXECUTION = "execution"
    SIGNATURE = "signature"
    RECIPIENTS = "recipients"


LETTERHEAD = Role.LETTERHEAD.value
PREAMBLE = Role.PREAMBLE.value
BODY = Role.BODY.value
EXECUTION = Role.EXECUTION.value
SIGNATURE = Role.SIGNATURE.value
RECIPIENTS = Role.RECIPIENTS.value
ROLES: tuple[str, ...] = tuple(role.value for role in Role)

# ---------------------------------------------------------------- reading a passage

# Opening lines of a preamble: the legal bases and requests a document is issued on.
_PREAMBLE_LINE = re.compile(r"^(?:can cu|theo de nghi|xet de nghi|thuc hien|tren co so|xet)\b")
# Marks of a letterhead, read on the line as written: the motto, "Số: …", "<place>, ngày … tháng … năm …".
_LETTERHEAD_LINE = re.compile(
    r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc"
    r"|^(?:Luật\s+)?Số(?:\s+hiệu)?\s*:"
    r"|^[^\d,;:]{2,60},\s*ngày\b[^;:]{0,30}\btháng\b[^;:]{0,10}\bnăm\s+\d{4}\s*$",
    re.IGNORECASE,
)
# Titles of an Điều that puts the document into effect or says who carries it out.
_EXECUTION_TITLE = re.compile(
    r"^dieu \d+[a-z]?\s+(?:hieu luc(?: thi hanh)?|trach nhiem thi hanh|dieu khoan thi hanh|huong dan thi hanh"
    r"|to chuc thuc hien|thi hanh|hieu luc va trach nhiem thi hanh|dieu khoan chuyen tiep|quy dinh chuyen tiep)$"
)
_DOC_WORD = r"(?:bo luat|luat|nghi dinh|nghi quyet|quyet dinh|thong tu(?: lien tich)?|chi thi|phap lenh|ke hoach|quy che|quy dinh)"
# The sentences an execution clause is made of, when the Điều has no title ("Điều 9.").
_EXECUTION_SENTENCE = re.compile(
    rf"^{_DOC_WORD} nay co hieu luc\b|chiu trach nhiem (?:huong dan )?thi hanh {_DOC_WORD} nay\b"
)
_RECIPIENTS_LINE = re.compile(r"^(?:noi nhan|noi gui)\b")
_ARTICLE_MARK = re.compile(r"^Điều\s+\d+[a-z]?\s*[.:]\s*")


def is_execution_heading(heading: str) -> bool:
    """'Điều 43. Hiệu lực thi hành', 'Điều 18. Trách nhiệm thi hành' and the like."""
    return bool(_EXECUTION_TITLE.match(fold(heading)))


def is_execution_text(text: str) -> bool:
    """A body that only puts the document into effect: 'Quyết định này có hiệu lực …',
    '… chịu trách nhiệm thi hành Quyết định này.'"""
    lines = [fold(line) for line in text.splitlines() if line.strip()]
    return bool(lines) and all(_EXECUTION_SENTENCE.search(line) for line in lines)


def is_preamble_line(line: str) -> bool:
    """'Căn cứ Luật …;', 'Theo đề nghị của …;', 'Thực hiện Công văn số …'."""
    return bool(_PREAMBLE_LINE.match(fold(line)))


def is_letterhead_line(line: str) -> bool:
    """The motto, 'Số: …', '<place>, ngày … tháng … năm …'."""
    return bool(_LETTERHEAD_LINE.search(" ".join(line.split())))


def role_of(text: str, heading: str = "") -> str:
    """The role of a passage read from its own lines (and its Điều heading, when it has one).

    The splitter knows more (where in the document the lines stand) and passes that; this is
    the reading of the words alone: recipients, execution, preamble, letterhead, else body."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return BODY
    if _RECIPIENTS_LINE.match(fold(lines[0])):
        return RECIPIENTS
    if heading and is_execution_heading(heading):
        return EXECUTION
    # The words of the article without its "Điều N." marker ("Điều 3. Quyết định này có hiệu lực …"
    # carries its only sentence on the heading line).
    body = [_ARTICLE_MARK.sub("", line) for line in lines]
    body = [line for line in body if line.strip()]
    if heading and body and is_execution_text("\n".join(body)):
        return EXECUTION
    if not heading and any(is_letterhead_line(line) for line in lines[:4]):
        return LETTERHEAD
    if is_preamble_line(lines[0]):
        return PREAMBLE
    return BODY


# ---------------------------------------------------------------- reading a question

# Patterns are written on folded text (see knowledge.folding.fold): no marks, lower case.
_ASKED_DOC = r"(?:ke hoach|van ban|chi thi|nghi quyet|quyet dinh|cong van|chuong trinh|chien luoc|de an|huong dan|thong tu|nghi dinh)"
_ASKS: dict[str, tuple[str, ...]] = {
    SIGNATURE: (
        r"\bai (?:da |la nguoi )?ky\b", r"\bnguoi (?:da )?ky\b", r"\bky boi\b", r"\bdo ai ky\b", r"\bchu ky\b",
        r"\bky ten\b", r"\bky thay\b", r"\bky ban hanh\b(?! (?:ngay|khi|luc|nam))",
    ),
    PREAMBLE: (
        r"\bcan cu\b", r"\bco so phap ly\b", r"\bdua (?:tren|vao) (?:co so|van ban|nhung van ban|quy dinh)\b",
        r"\btheo de nghi\b", r"\bthuc hien theo (?:van ban|cong van|ke hoach|quyet dinh|chi thi|huong dan)\b",
        r"\b(?:xay dung|ban hanh) (?:tren co so|theo|can cu)\b",
        rf"\b(?:de )?thuc hien (?:theo )?{_ASKED_DOC} nao\b",
    ),
    EXECUTION: (
        r"\bhieu luc\b", r"\b(?:trach nhiem|huong dan|dieu khoan|to chuc) thi hanh\b",
        r"\bthi hanh (?:tu|ke tu) (?:ngay|khi)\b",
        r"\bthay the (?:cho )?(?:nhung |cac )?(?:nghi dinh|quyet dinh|thong tu|van ban|luat)\b", r"\bbai bo\b",
        r"\bap dung tu (?:ngay|khi)\b", r"\bcon (?:duoc )?ap dung\b",
    ),
    RECIPIENTS: (
        r"\bnoi nhan\b", r"\bgui (?:cho |den |toi )?(?:ai|nhung ai|co quan nao|don vi nao|nhung (?:co quan|don vi) nao|cac (?:co quan|don vi) nao)\b",
        r"\b(?:co quan|don vi|ai) (?:nao )?(?:duoc )?nhan\b", r"\bduoc gui (?:cho|den|toi)\b",
    ),
    LETTERHEAD: (
        r"\b(?:ngay|nam|thang) (?:ban hanh|ky(?! niem| han| hop| thi| nay| tiep| truoc))\b",
        r"\b(?:ban hanh|ky) (?:vao )?(?:ngay nao|khi nao|luc nao|nam nao|thang nao|bao gio)\b",
        r"\bso hieu\b", r"\bso ky hieu\b",
        r"\b(?:co quan|don vi|ai|to chuc) (?:nao )?(?:da )?ban hanh\b", r"\bdo (?:co quan|don vi|ai) (?:nao )?ban hanh\b",
    ),
}
_ASK_PATTERNS = {role: re.compile("|".join(patterns)) for role, patterns in _ASKS.items()}


def roles_asked(question: str) -> frozenset[str]:
    """The roles beyond the body a question asks about: 'Ai ký …' → signature, 'căn cứ' →
    preamble, 'có hiệu lực từ' → execution, 'gửi cho ai / nơi nhận' → recipients, 'ký ngày
    nào / số hiệu' → letterhead. Empty when it asks only about the content. Works with and
    without diacritics."""
    folded = fold(question)
    return frozenset(role for role, pattern in _ASK_PATTERNS.items() if pattern.search(folded))
