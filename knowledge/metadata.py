"""Who issued a document, when, under what number: from the manifest, the header, the file name."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from knowledge import doctypes, signature
from knowledge.cleaning import normalise_whitespace, strip_markup_residue
from knowledge.encodings import decode_bytes
from knowledge.errors import DocumentsFolderError, UnreadableDocument
from knowledge.types import Source

MANIFEST_NAME = "manifest.json"


class ManifestError(DocumentsFolderError):
    """The documents folder's manifest.json exists but cannot be used."""


# ---------------------------------------------------------------- manifest


def read_manifest(folder: Path) -> dict[str, dict]:
    """Map file path under the folder → manifest entry; {} when the folder has no manifest.json.

    Raises ManifestError (in Vietnamese, with the line and column of the fault) when the file
    is not UTF-8, not JSON, or not a list of entries."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        return {}
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ManifestError(f"không đọc được {MANIFEST_NAME} ({error.strerror or error})") from error
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _line_and_column(data, error.start)
        raise ManifestError(
            f"{MANIFEST_NAME} không phải văn bản UTF-8 (byte lạ ở dòng {line}, cột {column}){_encoding_hint(data)}; "
            "hãy lưu lại tệp dưới dạng UTF-8"
        ) from error
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as error:
        raise ManifestError(
            f"{MANIFEST_NAME} không phải JSON hợp lệ (dòng {error.lineno}, cột {error.colno}): {_json_problem(error.msg)}"
        ) from error
    return _entries_by_file(parsed)


def _line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, len(data[line_start:offset].decode("utf-8", errors="replace")) + 1


def _encoding_hint(data: bytes) -> str:
    try:
        decoded = decode_bytes(data)  # the same detector that reads the documents
    except UnreadableDocument:
        return ""
    return f", có vẻ là {decoded.label}" if decoded.encoding not in ("", "utf-8") else ""


_JSON_PROBLEMS = {
    "Expecting value": "thiếu giá trị",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Expecting property name enclosed in double quotes": "tên trường phải nằm trong dấu ngoặc kép (hoặc thừa dấu phẩy)",
    "Unterminated string starting at": "chuỗi chưa đóng ngoặc kép",
    "Extra data": "thừa nội dung sau phần JSON",
    "Invalid control character at": "ký tự điều khiển trong chuỗi",
    "Invalid \\escape": "ký tự thoát (\\) không hợp lệ",
}


def _json_problem(message: str) -> str:
    return _JSON_PROBLEMS.get(message, message)


def manifest_file_key(name: str) -> str:
    """How a manifest names a file: its path under the documents folder, "/"-separated, NFC."""
    key = unicodedata.normalize("NFC", name.strip()).replace("\\", "/")
    while key.startswith("./"):
        key = key[2:]
    return key


def _entries_by_file(data: object) -> dict[str, dict]:
    # Accepted shapes: {"sources": [...]}, a bare list of entries, or {file name: entry}.
    if isinstance(data, dict) and "sources" in data:
        entries = data["sources"]
    elif isinstance(data, list):
        entries = data
    elif isinstance(data, dict) and all(isinstance(value, dict) for value in data.values()):
        entries = [{"file": name, **entry} for name, entry in data.items()]
    else:
        raise ManifestError(f"{MANIFEST_NAME} phải chứa danh sách các mục dưới khóa \"sources\"")
    if not isinstance(entries, list):
        raise ManifestError(f"{MANIFEST_NAME}: \"sources\" phải là một danh sách các mục")
    by_file: dict[str, dict] = {}
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise ManifestError(f"{MANIFEST_NAME}: mục thứ {position} không phải một đối tượng JSON")
        name = entry.get("file")
        if not isinstance(name, str) or not name.strip():
            raise ManifestError(f"{MANIFEST_NAME}: mục thứ {position} không có tên tệp (\"file\")")
        name = manifest_file_key(name)
        if name in by_file:
            raise ManifestError(f"{MANIFEST_NAME}: tệp «{name}» được mô tả hai lần")
        by_file[name] = {key: _nfc(value) for key, value in entry.items()}
    return by_file


def _nfc(value: object) -> object:
    return unicodedata.normalize("NFC", value) if isinstance(value, str) else value


# ---------------------------------------------------------------- header metadata

_HEADER_LINES = 30

# Header words and number codes of document types come from the one table (knowledge.doctypes).
_TYPE_WORDS = doctypes.HEADER_WORDS
_TYPE_LINE = re.compile(r"^(" + "|".join(_TYPE_WORDS) + r")(?=$|\s)\s*(.*)$")
_TYPE_CODES = doctypes.NUMBER_CODES

# The issuer code at the end of a national document number ("NĐ-CP" → CP).
_ISSUER_CODES = {
    "CP": "Chính phủ",
    "TTG": "Thủ tướng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "BTC": "Bộ Tài chính",
    "BNV": "Bộ Nội vụ",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BYT": "Bộ Y tế",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BTP": "Bộ Tư pháp",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BTTTT": "Bộ Thông tin và Truyền thông",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BCT": "Bộ Công Thương",
    "BXD": "Bộ Xây dựng",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BGTVT": "Bộ Giao thông vận tải",
    "NHNN": "Ngân hàng Nhà nước Việt Nam",
    "TANDTC": "Tòa án nhân dân tối cao",
    "VKSNDTC": "Viện kiểm sát nhân dân tối cao",
}

_NUMBER = re.compile(r"^(?:Luật\s+)?[Ss]ố(?:\s+hiệu)?\s*:\s*(?P<number>[^\s|,;]*(?:\s*/\s*[^\s|,;]+)+)")
_BLANK_PLACEHOLDER = re.compile(r"^[.…_\s]+")
_PLACE_DATE = re.compile(
    r"^(?P<place>[^\d,;:|]{2,60}?)\s*,\s*ngày\s*[.…_\s]*(?P<day>\d{1,2})?[.…_\s]*"
    r"tháng\s*[.…_\s]*(?P<month>\d{1,2})?[.…_\s]*năm\s*(?P<year>\d{4})"
)
_MOTTO = re.compile(r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|Độc\s+lập\s*-\s*Tự\s+do", re.IGNORECASE)
_PLACE_WORD = re.compile(r"^(?:TỈNH|THÀNH PHỐ|TP\.?|QUẬN|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\s")
_PEOPLES_COMMITTEE = re.compile(r"^(?:UBND|Ủ?Y BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)\b")
_SUBJECT_LINE = re.compile(r"^V/v\s*:?\s*(?P<subject>.+)$", re.IGNORECASE)
# Where the title stops and the body or the signing authority begins.
_BODY_START = re.compile(
    r"^(?:Căn cứ|Kính gửi|Điều\s+\d|Chương\s|Phần\s|[IVXLC]+\.\s|\d+\.\s|Số\s*:"
    r"|CHỦ TỊCH|BỘ TRƯỞNG|THỦ TƯỚNG|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|CHÍNH PHỦ|QUỐC HỘI|ỦY BAN|UỶ BAN|HỘI ĐỒNG)"
)
# "Thực hiện …" opens many titles but also many first paragraphs; only a second line stops on it.
_BODY_START_AFTER_TITLE = re.compile(r"^(?:Thực hiện|Theo đề nghị|Để\s|Nhằm\s)")
_TITLE_MAX_LINES = 3
_QUOTE_OPEN = re.compile(r"([“\"«])(\w)")
# Proper names that an all-caps title loses when sentence-cased.
_PROPER_NAMES = (
    "Việt Nam", "Thành phố Hồ Chí Minh", "Hồ Chí Minh", "Hà Nội", "Đà Nẵng", "Hải Phòng", "Cần Thơ",
    "Chính phủ", "Quốc hội", "Đảng", "Nhà nước", "Bộ Chính trị", "Ban Bí thư", "Mặt trận Tổ quốc",
)


def metadata_from_text(text: str, file_name: str) -> dict:
    """Read number, place, date, type, title and issuer from a Vietnamese administrative header."""
    lines = _header_lines(text)
    meta: dict = {}
    number_at = _find_number(lines, meta)
    date_at = _find_place_date(lines, meta)
    type_at = _find_type_and_title(lines, meta)
    marks = [at for at in (number_at, date_at, type_at) if at is not None]
    # A national issuer code is exact and well-cased; agency lines are the fallback.
    issuer = _issuer_from_number(meta.get("number", "")) or _issuer_from_agency_lines(
        lines[: min(marks)] if marks else []
    )
    if issuer:
        meta["issuer"] = issuer
    if "doc_type" not in meta and meta.get("number"):
        doc_type = _doc_type_from_number(meta["number"])
        if doc_type:
            meta["doc_type"] = doc_type
    meta.setdefault("title", humanise_file_name(file_name))
    signer = signer_from_text(text)
    if signer.name:
        meta["signer"] = signer.name
    if signer.title:
        meta["signer_title"] = signer.title
    return meta


def signer_from_text(text: str) -> signature.Signer:
    """Who signed the document, read from its signature block (empty when it has none)."""
    lines = [line.strip() for line in normalise_whitespace(strip_markup_residue(unicodedata.normalize("NFC", text))).split("\n")]
    tail = signature.split_tail([line for line in lines if line])
    return signature.parse_signer(tail.signature)


# "Thứ ba - 21/03/2023 17:04", "Ngày đăng tin: 07/03/2018", "Ngày đăng: 21/3/2023": when a page was posted.
_POSTED = re.compile(
    r"^(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*[-,|]?\s*"
    r"|.{0,60}?(?:ngày\s+đăng(?:\s+tin)?|đăng\s+ngày|ngày\s+xuất\s+bản|cập\s+nhật\s+ngày)\s*:?\s*)"
    r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})\b",
    re.IGNORECASE,
)


def posted_date(raw_text: str) -> str:
    """The ISO date a web page says it was posted ('Ngày đăng tin: 07/03/2018' → '2018-03-07'), else ''."""
    for line in unicodedata.normalize("NFC", raw_text).split("\n")[:80]:
        match = _POSTED.search(" ".join(line.split()))
        if match:
            return iso_date(match["year"], match["month"], match["day"])
    return ""


def _header_lines(text: str) -> list[str]:
    """The first non-blank lines, with markdown residue and flattened tables undone."""
    # Blank lines stay (as ""): a blank line after a title line ends the title.
    head = "\n".join(unicodedata.normalize("NFC", text).split("\n")[: _HEADER_LINES * 3])
    lines = normalise_whitespace(strip_markup_residue(head)).split("\n")
    kept: list[str] = []
    for line in lines:
        kept.append(line)
        if sum(1 for line in kept if line) >= _HEADER_LINES:
            break
    return kept


def _find_number(lines: list[str], meta: dict) -> int | None:
    for index, line in enumerate(lines):
        match = _NUMBER.match(line)
        if match:
            number = re.sub(r"\s*/\s*", "/", match["number"])
            meta["number"] = _BLANK_PLACEHOLDER.sub("", number)  # "Số: …/KH" keeps its blank
            return index
    return None


def _find_place_date(lines: list[str], meta: dict) -> int | None:
    for index, line in enumerate(lines):
        match = _PLACE_DATE.match(line)
        if not match:
            continue
        issued = iso_date(match["year"], match["month"], match["day"])
        if issued:
            meta["issued"] = issued
        place = match["place"].strip(" -–|")
        if place:
            meta["place"] = place
        return index
    return None


def iso_date(year: str | None, month: str | None = None, day: str | None = None) -> str:
    """ISO date from header parts; a blank day gives YYYY-MM, a blank month YYYY, nonsense ""."""
    if not year or not year.isdigit():
        return ""
    if not month:
        return year
    if not 1 <= int(month) <= 12:
        return ""
    if not day:
        return f"{year}-{int(month):02d}"
    if not 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _find_type_and_title(lines: list[str], meta: dict) -> int | None:
    for index, line in enumerate(lines):
        match = _TYPE_LINE.match(line)
        if match and not _MOTTO.search(line):
            type_word, rest = match[1], match[2].strip()
            meta["doc_type"] = _TYPE_WORDS[type_word]
            parts = ([rest] if rest else []) + _title_lines(lines[index + 1 :], first=rest)
            if parts:
                meta["title"] = _compose_title(type_word, " ".join(parts))
            return index
    for index, line in enumerate(lines):
        match = _SUBJECT_LINE.match(line)
        if match:
            meta["doc_type"] = "letter"
            meta["title"] = "Công văn về việc " + _lower_first(match["subject"].strip())
            return index
    return None


def _title_lines(following: list[str], first: str) -> list[str]:
    parts: list[str] = []
    style = _is_all_caps(first) if first else None
    for line in following:
        if not line:
            if parts or first:
                break
            continue
        if len(parts) + bool(first) >= _TITLE_MAX_LINES or _BODY_START.match(line):
            break
        if (parts or first) and _BODY_START_AFTER_TITLE.match(line):
            break
        if line.endswith((";", ":")) or not re.search(r"\w", line):
            break
        caps = _is_all_caps(line)
        if style is not None and caps != style:
            break  # a change of case is the signing authority or the body, not the title
        style = caps
        parts.append(line)
    return parts


def _compose_title(type_word: str, title: str) -> str:
    """'KẾ HOẠCH' + 'Triển khai …' → 'Kế hoạch triển khai …'; laws keep their name capitalised."""
    if _is_all_caps(title):
        title = _restore_names(title.lower())
    title = _QUOTE_OPEN.sub(lambda match: match[1] + match[2].upper(), title)
    kind = type_word.capitalize()
    if _TYPE_WORDS[type_word] == "law":
        return f"{kind} {title[:1].upper()}{title[1:]}"
    return f"{kind} {_lower_first(title)}"


def _lower_first(text: str) -> str:
    words = text.split(" ", 1)
    # An abbreviation or a proper name ("UBND", "Hà Nội") keeps its capital.
    if (words[0].isupper() and len(words[0]) > 1) or any(text.startswith(name) for name in _PROPER_NAMES):
        return text
    return text[:1].lower() + text[1:]


def _restore_names(text: str) -> str:
    for name in _PROPER_NAMES:
        text = re.sub(re.escape(name.lower()), name, text)
    return text


def _is_all_caps(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(char.isupper() for char in letters)


def _issuer_from_agency_lines(lines: list[str]) -> str:
    """The all-caps agency lines above the number: 'UBND TỈNH X' + 'SỞ Y' → 'SỞ Y TỈNH X'."""
    levels: list[str] = []
    for line in lines:
        line = _MOTTO.split(line)[0].strip(" -–|")
        if not line:
            continue
        if not _is_all_caps(line) or len(line.split()) < 2:
            if levels:
                break
            continue
        if levels and _PLACE_WORD.match(line):
            levels[-1] = f"{levels[-1]} {line}"  # a name wrapped onto the next line
        else:
            levels.append(line)
    if not levels:
        return ""
    issuer = levels[-1]
    if len(levels) > 1 and _PEOPLES_COMMITTEE.match(levels[0]) and not _has_place(issuer):
        place = _place_of(levels[0])
        if place:
            issuer = f"{issuer} {place}"
    return issuer


def _has_place(agency: str) -> bool:
    return bool(re.search(r"\b(?:TỈNH|THÀNH PHỐ|QUẬN|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG)\b", agency))


def _place_of(agency: str) -> str:
    match = re.search(r"\b(?:TỈNH|THÀNH PHỐ|QUẬN|HUYỆN|THỊ XÃ|XÃ|PHƯỜNG)\b.*$", agency)
    return match[0] if match else ""


def _number_codes(number: str) -> tuple[str, str]:
    """The type code and issuer code of a number: '25/2025/NĐ-CP' → ('NĐ', 'CP')."""
    tail = number.rsplit("/", 1)[-1]
    if "-" in tail:
        kind, issuer = tail.split("-", 1)
        return kind, issuer
    return "", tail


def _issuer_from_number(number: str) -> str:
    _, code = _number_codes(number)
    code = re.sub(r"\d+$", "", code).upper()  # "QH11" → "QH"
    return _ISSUER_CODES.get(code, "")


def _doc_type_from_number(number: str) -> str:
    kind, issuer = _number_codes(number)
    if not kind and re.fullmatch(r"QH\d*", issuer):
        return "law"
    return _TYPE_CODES.get(kind.upper(), "")


def humanise_file_name(file_name: str) -> str:
    """'bac-giang_ke-hoach.txt' → 'Bac giang ke hoach': a last-resort title."""
    stem = Path(file_name).stem
    words = re.sub(r"[-_.]+", " ", unicodedata.normalize("NFC", stem)).split()
    text = " ".join(words)
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- merging

_SOURCE_FIELDS = (
    "title", "issuer", "number", "issued", "doc_type", "text_kind", "place",
    "effective", "note", "status", "capture_note", "about_document",
    "signer", "signer_title", "site", "published",
)


def default_source_id(file_name: str) -> str:
    """A document's id when the manifest gives none: its path under the documents folder without
    the extension, so 2023/ke-hoach.txt and 2024/ke-hoach.txt are two documents."""
    return unicodedata.normalize("NFC", str(PurePosixPath(file_name).with_suffix("")))


def source_from(entry: Mapping | None, file_name: str, text: str) -> Source:
    """Describe a document: the manifest entry wins field by field, the header fills gaps, then the file name.

    `file_name` is the file's path under the documents folder ("2024/ke-hoach.txt")."""
    entry = dict(entry or {})
    meta = metadata_from_text(text, file_name)
    fields = {name: _first_text(entry.get(name), meta.get(name)) for name in _SOURCE_FIELDS}
    fields["title"] = fields["title"] or humanise_file_name(file_name)
    return Source(
        id=_first_text(entry.get("id")) or default_source_id(file_name),
        excerpt=bool(entry.get("excerpt", False)),
        file=file_name,
        content_hash=content_hash(text),
        **fields,
    )


def _first_text(*values: object) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return unicodedata.normalize("NFC", value.strip())
    return ""


def content_hash(text: str) -> str:
    """sha256 of the NFC text, so a re-saved file with the same words keeps its hash."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()
