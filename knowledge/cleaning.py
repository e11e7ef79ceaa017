"""Text-level cleaning: tidy whitespace, drop formatting residue, strip web-page chrome.

Every function here is pure and never changes a character of the document's words:
quotes must stay verbatim, so cleaning may only drop whole lines of page chrome,
formatting symbols, and whitespace.
"""

from __future__ import annotations

import re

# Whitespace that web pages and PDFs scatter through text; all of it reads as one space.
_SPACE_LIKE = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Invisible characters that carry no text (zero-width spaces, stray byte-order marks).
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")
_SPACE_RUN = re.compile(r" {2,}")


def normalise_whitespace(text: str) -> str:
    """Unify line breaks and spaces, trim lines, keep at most one blank line between paragraphs."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACE_LIKE.sub(" ", text)
    lines = [_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n")]
    return _join_paragraphs(lines)


def _join_paragraphs(lines: list[str]) -> str:
    """Join lines, collapsing runs of blank lines to one and trimming blank edges."""
    kept: list[str] = []
    for line in lines:
        if not line and (not kept or not kept[-1]):
            continue
        kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept)


# ---------------------------------------------------------------- markup residue

_HEADING_MARK = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.MULTILINE)
_BOLD = re.compile(r"\*\*")
# "__bold__" only around words: runs of underscores are also the blanks of a form ("Số: ____/KH").
_UNDERSCORE_BOLD = re.compile(r"(?<![\w_])__([^\W_](?:[^\n_]*[^\W_])?)__(?![\w_])")
_IMAGE = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:https?://|/|#|mailto:)[^)\n]*\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
# A rule made of 3+ dashes, underscores, equals signs or asterisks: decoration, not words.
_RULE = re.compile(r"^[\s|:]*[-_=*]{3,}[\s|:\-_=*]*$")
_EDGE_RULE = re.compile(r"^[-_=]{3,}\s*|\s*[-_=]{3,}$")
_CELL_SPLIT = re.compile(r"\s+\|\s+|^\s*\|\s*|\s*\|\s*$")


def strip_markup_residue(text: str) -> str:
    """Remove markdown and flattened-table symbols (**, ##, |, ----) without touching words."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _HEADING_MARK.sub("", text)
    text = _BOLD.sub("", text)
    text = _UNDERSCORE_BOLD.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    lines: list[str] = []
    for line in text.split("\n"):
        lines.extend(_table_cells(line))
    return "\n".join(lines)


def _table_cells(line: str) -> list[str]:
    """Split a flattened table row into one line per cell, dropping cells that are only rules."""
    if _RULE.match(line):
        return [] if line.strip() else [line]
    if "|" not in line or not _CELL_SPLIT.search(line):
        return [line]
    cells = [_EDGE_RULE.sub("", cell).strip() for cell in _CELL_SPLIT.split(line)]
    return [cell for cell in cells if cell and not _RULE.match(cell)]


# ---------------------------------------------------------------- web chrome

_WORD = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"""(?:[.!?;:…]|\./\.)["'”’»)\]]*$""")
_ENUMERATOR = re.compile(r"^(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])[.)]\s|^[-+–]\s")
_WEB_BULLET = re.compile(r"^[•·▪►▶»›◦‣*\-+–]+\s*")

_NOISE_LINE_PATTERNS = [
    # welcome banners of portals
    r"^(?:xin\s+)?chào\s+mừng\b.{0,40}\bđến\s+với\b",
    r"^welcome\s+to\b",
    # accessibility toggles and font-size switches
    r"(?:^|\s)A-\s*A\s*A\+",
    r"^(?:tăng|giảm)\s+tương\s+phản\b",
    r"^(?:cỡ\s+chữ|kích\s+thước\s+chữ|phóng\s+to|thu\s+nhỏ)\b.{0,30}$",
    # search boxes
    r"^(?:tìm\s+kiếm(?:\s+nâng\s+cao)?|nhập\s+từ\s+khóa.*|từ\s+khóa)\s*[:.…]*$",
    # breadcrumbs
    r"^trang\s+chủ\s*(?:[»>›/|→-].{0,120})?$",
    # post meta: who posted, when, how many views
    r"^(?:người\s+đăng(?:\s+tin)?|ngày\s+đăng(?:\s+tin)?|đăng\s+(?:lúc|ngày)|cập\s+nhật(?:\s+lúc|\s+ngày)?"
    r"|ngày\s+cập\s+nhật|thời\s+gian\s+đăng|ngày\s+xuất\s+bản)\s*:",
    r"^(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*[-,|]?\s*\d{1,2}/\d{1,2}/\d{2,4}[\s\d:.,|/-]*(?:giờ|gmt[+\d:]*)?[\s\d:.,|]*$",
    r"^\d{1,2}/\d{1,2}/\d{4}(?:\s*[-|,]?\s*\d{1,2}:\d{2}(?::\d{2})?)?[\s\d.,|]*$",
    # ratings
    r"^tổng\s+số\s+điểm\s+của\s+bài\s+viết",
    r"\b\d+\s+trong\s+\d+\s+đánh\s+giá\b",
    r"^(?:đánh\s+giá\s+bài\s+viết|bình\s+chọn|click\s+để\s+đánh\s+giá|bấm\s+để\s+đánh\s+giá)\b",
    # share / print / navigation buttons
    r"^(?:chia\s+sẻ|in\s+bài\s+viết|in\s+trang|bản\s+in|gửi\s+email|gửi\s+bài\s+viết|lưu\s+bài\s+viết"
    r"|quay\s+lại|trở\s+về|về\s+đầu\s+trang|lên\s+đầu\s+trang|xem\s+thêm|đọc\s+tiếp|facebook|twitter|zalo)"
    r"(?:\W+\w+){0,4}\W*$",
    # visitor statistics widgets
    r"^thống\s+kê(?:\s+truy\s+cập)?\s*:?$",
    r"^(?:đang\s+(?:truy\s+cập|trực\s+tuyến|online)|trực\s+tuyến|online|hôm\s+nay|hôm\s+qua|tuần\s+này"
    r"|tuần\s+trước|tháng\s+này|tháng\s+trước|năm\s+nay|năm\s+trước|tất\s+cả|tổng(?:\s+số)?\s+lượt\s+truy\s+cập"
    r"|lượt\s+truy\s+cập|số\s+lượt\s+truy\s+cập|lượt\s+xem|khách|thành\s+viên)\s*:?\s*[\d.,]+$",
    # session-timeout banners
    r"không\s+sử\s+dụng\s+site\b",
    r"\bthời\s+gian\s+chờ\s*:\s*\d+\s*giây",
    r"\bduy\s+trì\s+trạng\s+thái\s+đăng\s+nhập\b",
    r"^phiên\s+làm\s+việc\b.{0,40}\bhết\s+hạn",
]
_NOISE_LINE = re.compile("|".join(f"(?:{p})" for p in _NOISE_LINE_PATTERNS), re.IGNORECASE)

# Bylines and view/download counters count as chrome only on short lines; a sentence
# of the article may mention an author or a number of views.
_SHORT_NOISE = re.compile(
    r"^(?:tác\s+giả|người\s+viết|phóng\s+viên|biên\s+tập\s+viên|tin,?\s+ảnh|tin\s+và\s+ảnh|bài,?\s+ảnh"
    r"|bài\s+và\s+ảnh|ảnh)\s*:"
    r"|\blượt\s+(?:xem|đọc|tải|truy\s+cập|thích|chia\s+sẻ)\s*:?\s*[\d.,]+",
    re.IGNORECASE,
)
_SHORT_NOISE_MAX_WORDS = 25

# Site footers: copyright, editorial board, developer, licence.
_FOOTER = re.compile(
    r"^(?:bản\s+quyền|copyright|©|\(c\)\s|(?:phó\s+)?trưởng\s+ban\s+biên\s+tập|ban\s+biên\s+tập\s*:"
    r"|chịu\s+trách\s+nhiệm\s+(?:nội\s+dung|chính|xuất\s+bản)|đơn\s+vị\s+phát\s+triển|phát\s+triển\s+bởi"
    r"|thiết\s+kế\s+bởi|giấy\s+phép\s+(?:số|thiết\s+lập|xuất\s+bản|hoạt\s+động)|ghi\s+rõ\s+nguồn"
    r"|cơ\s+quan\s+chủ\s+quản)",
    re.IGNORECASE,
)
# Contact lines belong to the footer only when they trail the article; in the body
# they may be a hotline the reader needs.
_CONTACT = re.compile(
    r"^(?:địa\s+chỉ|điện\s+thoại|đt|tel|fax|e-?mail|hotline|website)\s*:", re.IGNORECASE
)

# Headings of what follows an article: related news, comments, widgets. Everything
# after the first of them (once the article has begun) is the rest of the page.
_TRAILER = re.compile(
    r"^(?:"
    r"(?:các\s+)?(?:tin|bài|bài\s+viết|tin\s+bài|tin\s+tức|văn\s+bản)\s+"
    r"(?:liên\s+quan|cùng\s+chuyên\s+mục|khác|mới|mới\s+nhất|mới\s+ban\s+hành|xem\s+nhiều|đọc\s+nhiều|nổi\s+bật"
    r"|đã\s+đưa)"
    r"|chuyên\s+mục\W+(?:\w+\s+){0,3}liên\s+quan"
    r"|ý\s+kiến\s+bạn\s+đọc|(?:gửi|viết)\s+(?:bình\s+luận|ý\s+kiến)|bình\s+luận|ý\s+kiến\s+của\s+bạn"
    r"|liên\s+kết(?:\s+website)?"
    r"|thống\s+kê(?:\s+truy\s+cập)?"
    r")\b[^.!?]{0,60}$",
    re.IGNORECASE,
)

_SIGNATURE_INDENT = 10
_SHORT_LINE_WORDS = 7
_LINK_RUN = 3


def clean_web_text(text: str) -> str:
    """Strip a captured web page's menus, counters, widgets and footer, keeping the article verbatim."""
    lines = [_clean_line(raw) for raw in _LINE_BREAKS.sub("\n", text).split("\n")]
    lines = _cut_trailer(lines)
    lines = [line for line in lines if line is None or line == "" or not _is_noise(line)]
    lines = _drop_link_runs(lines)
    lines = _trim_tail(lines)
    return _join_paragraphs([line or "" for line in lines])


def _clean_line(raw: str) -> str | None:
    """Normalise one line's whitespace; None for a bare name pushed to the right (a signature)."""
    line = _SPACE_LIKE.sub(" ", _INVISIBLE.sub("", raw))
    indent = len(line) - len(line.lstrip(" "))
    line = _SPACE_RUN.sub(" ", line).strip()
    if indent >= _SIGNATURE_INDENT and line and _looks_like_name(line):
        return None
    return line


def _looks_like_name(line: str) -> bool:
    words = line.split()
    return len(words) <= 5 and all(word[:1].isupper() and word.isalpha() for word in words)


def _is_noise(line: str) -> bool:
    if not _WORD.search(line):
        return True  # bullets and separators with no word ("• :")
    bare = _WEB_BULLET.sub("", line)
    if _NOISE_LINE.search(bare) or _FOOTER.match(bare):
        return True
    return bool(_SHORT_NOISE.search(bare)) and _word_count(bare) <= _SHORT_NOISE_MAX_WORDS


def _word_count(line: str) -> int:
    return len(_WORD.findall(line))


def _is_prose(line: str) -> bool:
    """A line that reads as article text rather than a label, menu item or heading."""
    words = _word_count(line)
    return words >= 25 or (words >= 10 and bool(_SENTENCE_END.search(line)))


def _cut_trailer(lines: list[str | None]) -> list[str | None]:
    started = False
    for index, line in enumerate(lines):
        if not line:
            continue
        bare = _WEB_BULLET.sub("", line)
        if started and (_TRAILER.match(bare) or _FOOTER.match(bare)):
            return lines[:index]
        started = started or (_is_prose(line) and not _is_noise(line))
    return lines


def _is_link_like(line: str) -> bool:
    """A short label without sentence punctuation: a menu item, link or widget entry."""
    if _ENUMERATOR.match(line) or _SENTENCE_END.search(line):
        return False
    return _word_count(_WEB_BULLET.sub("", line)) <= _SHORT_LINE_WORDS


def _drop_link_runs(lines: list[str | None]) -> list[str | None]:
    """Drop runs of 3+ consecutive short label lines: menus and link lists, never prose."""
    kept: list[str | None] = []
    run: list[str | None] = []
    for line in [*lines, ""]:
        if line and _is_link_like(line):
            run.append(line)
            continue
        if len(run) < _LINK_RUN:
            kept.extend(run)
        run = []
        kept.append(line)
    return kept[:-1]


def _trim_tail(lines: list[str | None]) -> list[str | None]:
    """Drop what trails the last article line: contacts, signatures, stray labels."""
    end = len(lines)
    while end:
        line = lines[end - 1]
        bare = _WEB_BULLET.sub("", line or "")
        trailing_chrome = (
            not line
            or _CONTACT.match(bare)
            or _FOOTER.match(bare)
            or (_word_count(bare) <= 5 and not _ENUMERATOR.match(line) and not _SENTENCE_END.search(line))
        )
        if not trailing_chrome:
            break
        end -= 1
    return lines[:end]
