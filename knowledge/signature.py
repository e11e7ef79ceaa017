"""The end of an administrative document: who it is sent to ("Nơi nhận") and who signed it.

The two stand side by side on paper (recipients left, signature right); flattened to text
they come in either order, on separate lines or on one ("… - Lưu: VT. | KT. THỦ TƯỚNG PHÓ
THỦ TƯỚNG Nguyễn Hòa Bình" once the table bar is a line break), and the "Nơi nhận:" label
is sometimes lost. The signature block is the authority lines in capitals ("TM. ỦY BAN NHÂN
DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), an optional "(Đã ký)", then the signer's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_RECIPIENTS_LABEL = re.compile(r"^(?:Nơi nhận|Nơi gửi)\s*:?", re.IGNORECASE)
# A flattened distribution list without its label: list items that end with the archive line.
_ARCHIVE = re.compile(r"(?:^|[-;]\s*)Lưu\s*:?\s*(?:VT|Văn thư)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^[-–+•]\s*\S")
_SIGNED_NOTE = re.compile(r"^\(?\s*(?:đã ký|đã ký và đóng dấu|ký tên, đóng dấu|chữ ký, dấu)\s*\)?\.?$", re.IGNORECASE)
_MANDATE = r"(?:KT|TM|TL|TUQ|Q|QUYỀN)\.?"
# Words an authority line may consist of: all capitals (and the mandate abbreviations).
_CAPS_WORD = re.compile(r"^[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ.&,\-–/()]*$")
_NAME_WORD = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]*$")
# Where a second authority line starts inside one flattened line ("KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG").
_TITLE_STARTS = ("KT.", "TM.", "TL.", "TUQ.", "Q.", "PHÓ", "THỨ TRƯỞNG", "CHỦ TỊCH", "GIÁM ĐỐC", "BỘ TRƯỞNG",
                 "CHÁNH VĂN PHÒNG", "TRƯỞNG BAN", "VỤ TRƯỞNG", "CỤC TRƯỞNG", "TỔNG GIÁM ĐỐC")
_TITLE_WORDS = ("CHỦ TỊCH", "GIÁM ĐỐC", "THỦ TƯỚNG", "BỘ TRƯỞNG", "TRƯỞNG", "CHÁNH", "THỨ TRƯỞNG", "PHÓ",
                "ỦY BAN", "UỶ BAN", "CHÍNH PHỦ", "QUỐC HỘI", "HỘI ĐỒNG", "BAN", "CHỦ NHIỆM", "TỔNG", "VIỆN",
                "TM.", "KT.", "TL.", "TUQ.")
MAX_TITLE_WORDS = 14


@dataclass(frozen=True)
class Tail:
    """A document's lines split into body, recipients list and signature block."""

    body: list[str]
    recipients: list[str]
    signature: list[str]


@dataclass(frozen=True)
class Signer:
    """Who signed: 'Trần Thị Diệu Thúy', with the authority lines 'KT. CHỦ TỊCH, PHÓ CHỦ TỊCH'."""

    name: str = ""
    title: str = ""


def _caps_prefix(line: str) -> tuple[str, str]:
    """('KT. CHỦ TỊCH PHÓ CHỦ TỊCH', 'Trần Thị Diệu Thúy') from a line of capitals then a name."""
    words = line.split()
    cut = 0
    while cut < len(words) and _CAPS_WORD.match(words[cut]) and (len(words[cut]) > 1 or words[cut] in "&-–"):
        cut += 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def is_name(text: str) -> bool:
    """'Nguyễn Văn A', 'Trần Thị Diệu Thúy': 2 to 6 capitalised words, no digits or marks."""
    words = text.split()
    return 2 <= len(words) <= 6 and all(_NAME_WORD.match(word) for word in words)


def is_authority_line(line: str) -> bool:
    """'KT. GIÁM ĐỐC', 'PHÓ CHỦ TỊCH', 'TM. ỦY BAN NHÂN DÂN' (optionally followed by the name)."""
    caps, rest = _caps_prefix(line)
    if not caps or len(caps.split()) > MAX_TITLE_WORDS or (rest and not is_name(rest)):
        return False
    return any(word in caps for word in _TITLE_WORDS)


def _is_signature_line(line: str) -> bool:
    return is_authority_line(line) or bool(_SIGNED_NOTE.match(line)) or is_name(line)


def _is_recipients_start(line: str) -> bool:
    return bool(_RECIPIENTS_LABEL.match(line)) or (bool(_LIST_ITEM.match(line)) and bool(_ARCHIVE.search(line)))


def split_tail(lines: list[str]) -> Tail:
    """Body lines, then the recipients list and the signature block found after the body.

    The tail starts at "Nơi nhận" (or a label-less list ending in "Lưu: VT"), or, when there is
    none, at a run of authority lines ending in a name at the very end of the document."""
    start = next((i for i, line in enumerate(lines) if _is_recipients_start(line)), None)
    if start is None:
        start = _trailing_signature_start(lines)
        if start is None:
            return Tail(list(lines), [], [])
        return Tail(list(lines[:start]), [], list(lines[start:]))
    recipients: list[str] = []
    signature: list[str] = []
    # The signature block may stand just before the list (right column flattened first).
    before = start
    while before > 0 and _is_signature_line(lines[before - 1]) and not _LIST_ITEM.match(lines[before - 1]):
        before -= 1
    if before < start and any(is_authority_line(line) for line in lines[before:start]):
        signature.extend(lines[before:start])
    else:
        before = start
    for whole in lines[start:]:
        for line in _side_by_side(whole):
            if _is_signature_line(line) and not _LIST_ITEM.match(line) and not _RECIPIENTS_LABEL.match(line):
                signature.append(line)
            else:
                recipients.append(line)
    # A name without an authority line above it is not a signature block (a stray line).
    if signature and not any(is_authority_line(line) for line in signature):
        recipients.extend(signature)
        signature = []
    return Tail(list(lines[:before]), recipients, signature)


def _side_by_side(line: str) -> list[str]:
    """A line where the two columns ran together (PDF text): 'Nơi nhận: KT. CHỦ TỊCH', '- Như Điều 3;
    PHÓ CHỦ TỊCH', '- Lưu: VT. Nguyễn Văn A' → the list part and the signature part, each verbatim."""
    if not (_RECIPIENTS_LABEL.match(line) or _LIST_ITEM.match(line)):
        return [line]
    words = line.split(" ")
    # An authority suffix: trailing capitals that hold a title word ('KT. CHỦ TỊCH').
    cut = len(words)
    while cut > 1 and _CAPS_WORD.match(words[cut - 1]) and len(words[cut - 1]) > 1:
        cut -= 1
    suffix = " ".join(words[cut:])
    if cut < len(words) and any(word in suffix for word in _TITLE_WORDS) and not _RECIPIENTS_LABEL.fullmatch(line):
        left = " ".join(words[:cut])
        if left.rstrip().endswith((":", ";", ".", ",")) or _RECIPIENTS_LABEL.fullmatch(left.strip()):
            return [left, suffix]
    # A name suffix after the end of the last list item ('- Lưu: VT. Nguyễn Văn A').
    match = re.search(r"[.;]\s+([^.;]+)$", line)
    if match and is_name(match.group(1).strip()):
        return [line[: match.start(1)].rstrip(), match.group(1).strip()]
    return [line]


def _trailing_signature_start(lines: list[str]) -> int | None:
    """Index where a final signature block starts (authority lines, then a name), else None."""
    end = len(lines)
    if not end:
        return None
    last = lines[-1]
    caps, rest = _caps_prefix(last)
    if not (is_name(last) or (caps and is_name(rest) and is_authority_line(last))):
        return None
    start = end - 1
    while start > 0 and (is_authority_line(lines[start - 1]) or _SIGNED_NOTE.match(lines[start - 1])):
        start -= 1
    if not any(is_authority_line(line) for line in lines[start:]):
        return None
    return start


def _split_titles(caps: str) -> list[str]:
    """'KT. THỦ TƯỚNG PHÓ THỦ TƯỚNG' → ['KT. THỦ TƯỚNG', 'PHÓ THỦ TƯỚNG']."""
    words = caps.split()
    titles: list[list[str]] = []
    for index, word in enumerate(words):
        rest = " ".join(words[index:])
        previous = words[index - 1] if index else ""
        starts = any(rest.startswith(start) for start in _TITLE_STARTS)
        glued = previous in ("PHÓ", "TỔNG") or re.fullmatch(_MANDATE, previous) is not None
        if titles and starts and not glued and len(titles[-1]) > 1:
            titles.append([word])
        elif titles:
            titles[-1].append(word)
        else:
            titles.append([word])
    return [" ".join(title) for title in titles]


def parse_signer(signature: list[str]) -> Signer:
    """The signer's name and authority lines from a signature block."""
    titles: list[str] = []
    name = ""
    for line in signature:
        if _SIGNED_NOTE.match(line):
            continue
        caps, rest = _caps_prefix(line)
        if caps and any(word in caps for word in _TITLE_WORDS):
            titles.extend(_split_titles(caps))
            if rest and is_name(rest):
                name = rest
        elif is_name(line):
            name = line
    return Signer(name=name, title=", ".join(titles))
