"""Reading one file of the documents folder into NFC text: plain text, HTML, Word and PDF."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from knowledge.cleaning import clean_web_text
from knowledge.errors import UnreadableDocument, UnsupportedDocument

TEXT_SUFFIXES = frozenset({".txt", ".md"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
SUPPORTED_SUFFIXES = frozenset(TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"})


@dataclass(frozen=True)
class RawDocument:
    """A file's text before splitting: NFC, "\\n" line breaks, and what kind of file it came from."""

    path: Path
    text: str
    kind: str  # "text" | "html" | "docx" | "pdf"
    title: str = ""  # the page title an HTML file declares, when it has one

    @property
    def is_web_page(self) -> bool:
        return self.kind == "html"


def read_document(path: Path) -> RawDocument:
    """Read a supported file into text; UnsupportedDocument or UnreadableDocument (with a reason) otherwise."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "no extension"
        raise UnsupportedDocument(
            f"{path.name}: files of type {shown} are not read; use one of {', '.join(sorted(SUPPORTED_SUFFIXES))}"
        )
    if suffix in TEXT_SUFFIXES:
        text, kind, title = decode_text(_read_bytes(path), path.name), "text", ""
    elif suffix in HTML_SUFFIXES:
        text, title = _read_html(_read_bytes(path), path.name)
        kind = "html"
    elif suffix == ".docx":
        text, kind, title = _read_docx(path), "docx", ""
    else:
        text, kind, title = _read_pdf(path), "pdf", ""
    text = _tidy(text)
    if not text.strip():
        raise UnreadableDocument(f"{path.name}: {_EMPTY_REASON[kind]}")
    return RawDocument(path=path, text=text, kind=kind, title=_tidy(title).strip())


_EMPTY_REASON = {
    "text": "the file is empty",
    "html": "the page has no readable text",
    "docx": "the Word file has no text",
    "pdf": "the PDF has no text layer (it may be a scanned image; run OCR on it first)",
}


def _tidy(text: str) -> str:
    """NFC and "\\n" line breaks: the shape every later step relies on."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise UnreadableDocument(f"{path.name}: cannot be opened ({error.strerror or error})") from error


# ---------------------------------------------------------------- plain text

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Control characters that never occur in a text document (tabs, line and page breaks do).
_CONTROL = {chr(code) for code in range(32)} - {"\t", "\n", "\x0b", "\x0c", "\r"}
# Latin-1 symbols (¡ … ¿) are rare in Vietnamese; a cp1258 decoding full of them is really
# TCVN3 or VNI text, whose letters land on those code points.
_LEGACY_FONT_SYMBOLS = {chr(code) for code in range(0xA1, 0xC0)}


def decode_text(data: bytes, name: str = "file") -> str:
    """Decode a text file: BOM-marked UTF-8/16/32, plain UTF-8, else Windows-1258; NFC."""
    if not data.strip():
        raise UnreadableDocument(f"{name}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decode(data[len(bom) :], encoding, name)
            break
    else:
        if b"\x00" in data:
            raise UnreadableDocument(f"{name}: the file holds binary data (NUL bytes), not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode_cp1258(data, name)
    if any(char in _CONTROL for char in text):
        raise UnreadableDocument(f"{name}: the file holds binary data (control characters), not text")
    if not text.strip():
        raise UnreadableDocument(f"{name}: the file is empty")
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            f"{name}: starts with a {encoding.upper()} byte-order mark but is not valid {encoding.upper()} text"
        ) from error


def _decode_cp1258(data: bytes, name: str) -> str:
    """Legacy Vietnamese Windows text; its tone marks are combining characters until NFC."""
    try:
        text = data.decode("cp1258")
    except UnicodeDecodeError as error:
        raise UnreadableDocument(
            f"{name}: the text is neither UTF-8 nor Windows-1258; save it as UTF-8 and try again"
        ) from error
    non_ascii = [char for char in text if ord(char) > 127]
    symbols = sum(1 for char in non_ascii if char in _LEGACY_FONT_SYMBOLS)
    if non_ascii and symbols / len(non_ascii) > 0.2:
        raise UnreadableDocument(
            f"{name}: the text seems to use an old Vietnamese font encoding (TCVN3/ABC or VNI); "
            "convert it to Unicode (UTF-8) and try again"
        )
    return text


# ---------------------------------------------------------------- HTML

# Block elements after which the fallback extractor starts a new line.
_BLOCKS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
    "table", "ul", "ol", "blockquote", "pre", "dd", "dt", "td", "th",
)
_CHROME_TAGS = ("script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "iframe")


def _read_html(data: bytes, name: str) -> tuple[str, str]:
    """Main text of a web page (trafilatura, favouring recall), cleaned of page chrome."""
    if not data.strip():
        raise UnreadableDocument(f"{name}: the file is empty")
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        tree = trafilatura.load_html(data)
    except Exception as error:  # noqa: BLE001 - any parser failure means the page cannot be read
        raise UnreadableDocument(f"{name}: the HTML cannot be parsed ({error})") from error
    if tree is None:
        raise UnreadableDocument(f"{name}: the HTML cannot be parsed")
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
            f"{path.name}: the Word file cannot be opened; it may be damaged or not a .docx ({type(error).__name__})"
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

def _read_pdf(path: Path) -> str:
    """Text of each page, pages separated by a blank line."""
    import pypdf

    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableDocument(f"{path.name}: the PDF is password-protected")
        pages = [page.extract_text() or "" for page in reader.pages]
    except UnreadableDocument:
        raise
    except Exception as error:  # noqa: BLE001 - pypdf raises many types for damaged files
        raise UnreadableDocument(
            f"{path.name}: the PDF cannot be read; it may be damaged or encrypted ({type(error).__name__})"
        ) from error
    if not pages:
        raise UnreadableDocument(f"{path.name}: the PDF has no pages; it may be damaged")
    return "\n\n".join(pages)
