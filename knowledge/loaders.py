"""Reading one file of the documents folder into NFC text: plain text, HTML, Word and PDF."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from knowledge import encodings
from knowledge.cleaning import clean_web_text
from knowledge.errors import DocumentTooLarge, UnreadableDocument, UnsupportedDocument

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = frozenset(TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"})

# Above this much text one document holds up every other: a 30 MB text file took 12 minutes
# to index lexically (two hours with embeddings). A real law or plan is well under 1 MB.
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RawDocument:
    """A file's text before splitting: NFC, "\\n" line breaks, and what kind of file it came from."""

    path: Path
    text: str
    kind: str  # "text" | "html" | "docx" | "pdf"
    title: str = ""  # the page title an HTML file declares, when it has one
    encoding: str = ""  # what the text was read or converted from, when not UTF-8 (knowledge.encodings.LABELS)

    @property
    def is_web_page(self) -> bool:
        return self.kind == "html"

    @property
    def encoding_label(self) -> str:
        """The encoding as an admin reads it ("VNI (phông VNI-Windows)"); "" for UTF-8."""
        return encodings.encoding_label(self.encoding)


def read_document(path: Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> RawDocument:
    """Read a supported file into text; UnsupportedDocument, DocumentTooLarge or UnreadableDocument
    (each with a reason in Vietnamese) otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "không có đuôi"
        raise UnsupportedDocument(
            f"không đọc loại tệp {shown}; chỉ đọc {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    if suffix in TEXT_SUFFIXES | HTML_SUFFIXES:
        _check_size(_file_size(path), max_bytes)  # before reading: their bytes are their text
    encoding = ""
    if suffix in TEXT_SUFFIXES:
        decoded = encodings.decode_bytes(_read_bytes(path))
        text, kind, title = decoded.text, "text", ""
        encoding = "" if decoded.encoding == "utf-8" else decoded.encoding
    elif suffix in HTML_SUFFIXES:
        data = _read_bytes(path)
        text, title = _read_html(data)
        kind, encoding = "html", _declared_html_encoding(data)
    elif suffix == ".docx":
        text, kind, title = _read_docx(path), "docx", ""
    else:
        text, kind, title = _read_pdf(path, max_bytes), "pdf", ""
    text = _tidy(text)
    if kind != "text":  # a plain-text file was judged as it was decoded
        repaired = encodings.repair_text(text)
        text, encoding = repaired.text, repaired.encoding or encoding
    text = encodings.strip_format_characters(text)  # after repair: TCVN3's ư is the soft hyphen's byte
    if not text.strip():
        raise UnreadableDocument(_EMPTY_REASON[kind])
    _check_size(len(text.encode("utf-8")), max_bytes)
    return RawDocument(path=path, text=text, kind=kind, title=_tidy(encodings.strip_format_characters(title)).strip(), encoding=encoding)


_EMPTY_REASON = {
    "text": "tệp trống",
    "html": "trang web không có chữ đọc được",
    "docx": "tệp Word không có chữ",
    "pdf": "PDF không có lớp chữ (có thể là ảnh quét): cần OCR trước khi đưa vào",
}


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise DocumentTooLarge(
            f"quá lớn: {_megabytes(size)} MB, giới hạn mỗi tài liệu là {_megabytes(max_bytes)} MB "
            "(tách tệp ra, hoặc nâng giới hạn: --max-doc-mb, hay BINHDANG_MAX_DOC_MB cho /reindex của bot)"
        )


def _megabytes(size: int) -> str:
    megabytes = size / 1_048_576
    shown = f"{megabytes:.1f}" if megabytes >= 1 else f"{megabytes:.2f}"  # a small limit still reads as itself
    return shown.replace(".", ",")  # Vietnamese writes a decimal comma


def _tidy(text: str) -> str:
    """NFC and "\\n" line breaks: the shape every later step relies on."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError as error:
        raise UnreadableDocument(f"không mở được tệp ({error.strerror or error})") from error


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"không mở được tệp ({error.strerror or error})") from error


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def _declared_html_encoding(data: bytes) -> str:
    """The charset a page that is not UTF-8 declares (which the HTML parser honours); "" for UTF-8."""
    try:
        data.decode("utf-8")
        return ""
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return "không khai báo (tự nhận)"
    declared = match.group(1).decode("ascii").lower()
    return {"windows-1258": "cp1258", "utf-16": "utf-16"}.get(declared, declared)


# ---------------------------------------------------------------- HTML

# Block elements after which the fallback extractor starts a new line.
_BLOCKS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "table", "ul", "ol", "blockquote", "pre", "dd", "dt", "td", "th",
)
_CHROME_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe")


def _read_html(data: bytes) -> tuple[str, str]:
    """Main text of a web page (trafilatura, favouring recall), cleaned of page chrome."""
    if not data.strip():
        raise UnreadableDocument(_EMPTY_REASON["text"])
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        tree = trafilatura.load_html(data)
    except Exception as error:  # noqa: BLE001 - any parser failure means the page cannot be read
        raise UnreadableDocument(f"không phân tích được HTML ({error})") from error
    if tree is None:
        raise UnreadableDocument("không phân tích được HTML")
    title = _html_title(tree)
    text = _trafilatura_text(trafilatura, tree) or _plain_html_text(tree)
    heading = _main_heading(tree)
    if heading and heading not in " ".join(text.split()):
        text = f"{heading}\n\n{text}"  # the article's title sat outside what the extractor kept
    return clean_web_text(unicodedata.normalize("NFC", text)), title


def _trafilatura_text(trafilatura, tree) -> str:
    try:
        return trafilatura.extract(
            tree,
            output_format="txt",
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            include_formatting=False,
            include_links=False,
            include_images=False,
            deduplicate=False,
            with_metadata=False,
        ) or ""
    except Exception:  # noqa: BLE001 - the plain extractor below is the fallback for any failure
        return ""


def _main_heading(tree) -> str:
    """The page's single <h1>, if it has exactly one."""
    headings = tree.xpath("//h1")
    return " ".join(headings[0].text_content().split()) if len(headings) == 1 else ""


def _html_title(tree) -> str:
    titles = tree.xpath("//title/text()")
    return " ".join(titles[0].split()) if titles else ""


def _plain_html_text(tree) -> str:
    """Text of the page's blocks, one per line, without scripts and page chrome."""
    from copy import deepcopy

    tree = deepcopy(tree)  # the caller's tree stays as parsed
    for element in list(tree.iter(*_CHROME_TAGS)):
        if element.getparent() is not None:
            element.drop_tree()  # unlike remove(), keeps the text that follows the element
    for element in tree.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    body = tree.find(".//body")
    return "".join((body if body is not None else tree).itertext())


# ---------------------------------------------------------------- Word

def _read_docx(path: Path) -> str:
    """Paragraphs and tables in document order; a table's cells row by row, one per line."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(str(path))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                blocks.append(item.text)
            elif isinstance(item, Table):
                blocks.extend(_table_lines(item))
    except Exception as error:  # noqa: BLE001 - python-docx raises many types for damaged files
        raise UnreadableDocument(
            f"không mở được tệp Word: có thể tệp hỏng hoặc không phải .docx ({type(error).__name__})"
        ) from error
    return "\n".join(blocks)


def _table_lines(table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            # A merged cell appears once per grid column it spans; read it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            if cell.text.strip():
                lines.append(cell.text)
    return lines


# ---------------------------------------------------------------- PDF

def _read_pdf(path: Path, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """Text of each page, pages separated by a blank line; stops once past `max_bytes` of text."""
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument("PDF có mật khẩu: hãy gỡ mật khẩu rồi đưa vào lại")
        pages: list[str] = []
        size = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            size += len(pages[-1].encode("utf-8"))
            if size > max_bytes:
                break  # the caller refuses it as too large; reading on would only cost time
    except UnreadableDocument:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many types for damaged files
        raise UnreadableDocument(
            f"không đọc được PDF: có thể tệp hỏng hoặc bị mã hóa ({type(error).__name__})"
        ) from error
    if not pages:
        raise UnreadableDocument("PDF không có trang nào: có thể tệp hỏng")
    return "\n\n".join(pages)
