"""A folder of documents → sources and their passages; unreadable files are reported, not fatal."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from knowledge import cleaning, doctypes, loaders, metadata
from knowledge.citation import cite
from knowledge.errors import DocumentsFolderError, UnreadableDocument
from knowledge.loaders import MAX_DOCUMENT_BYTES
from knowledge.splitting import split_text
from knowledge.types import Passage, Source


@dataclass(frozen=True)
class Skipped:
    """A file that was left out of the knowledge base, and why (in plain words)."""

    file: str
    reason: str


@dataclass(frozen=True)
class Document:
    """One ingested source with its passages in reading order."""

    source: Source
    passages: tuple[Passage, ...]
    encoding: str = ""  # what the file was read or converted from when not UTF-8 (knowledge.encodings.LABELS)


@dataclass
class Corpus:
    """What a folder yielded."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # about the folder as a whole (an unusable manifest)

    @property
    def passages(self) -> list[Passage]:
        return [passage for document in self.documents for passage in document.passages]


def content_hash(data: bytes) -> str:
    """The identity of a document's content, for incremental rebuilds and duplicate checks."""
    return hashlib.sha256(data).hexdigest()


def list_document_files(folder: Path) -> list[Path]:
    """The files binhdang can read in a folder (recursively), in a stable order."""
    if not folder.exists():
        raise DocumentsFolderError(f"Không tìm thấy thư mục tài liệu: {folder}")
    if not folder.is_dir():
        raise DocumentsFolderError(f"Đây không phải là thư mục: {folder}")
    try:
        candidates = sorted(path for path in folder.rglob("*") if path.is_file())
    except OSError as error:
        raise DocumentsFolderError(f"Không đọc được thư mục {folder}: {error}") from error
    return [
        path
        for path in candidates
        if path.name != metadata.MANIFEST_NAME and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]


def clean_text(raw: loaders.RawDocument, entry: dict) -> str:
    """Raw extracted text → the document's own text: web-page noise and markup residue removed."""
    text = raw.text
    is_web_page = entry.get("text_kind") == "web-page" or raw.kind == "html"
    if is_web_page:
        text = cleaning.clean_web_text(text)
    return cleaning.strip_markup_residue(text)


def passage_id(source_id: str, location: str, text: str, ordinal: int, taken: set[str]) -> str:
    """An id that follows the passage's content, not its position: after a document is edited,
    an unchanged passage keeps its id (links to it, e.g. buttons under old answers, still
    work) and a changed one gets a new id (old links find nothing, rather than a neighbour)."""
    digest = hashlib.sha1(f"{location}\n{text}".encode("utf-8")).hexdigest()[:10]
    candidate = f"{source_id}#{digest}"
    if candidate in taken:  # the same words twice at the same place in one document
        candidate = f"{candidate}-{ordinal}"
    taken.add(candidate)
    return candidate


def passages_of(source: Source, text: str) -> tuple[Passage, ...]:
    """Split a source's clean text into cited passages."""
    passages = []
    taken: set[str] = set()
    news = doctypes.kind_of(source) == doctypes.NEWS
    for ordinal, piece in enumerate(split_text(text, news=news, title=source.title)):
        passages.append(
            Passage(
                id=passage_id(source.id, piece.location, piece.text, ordinal, taken),
                source_id=source.id,
                ordinal=ordinal,
                text=piece.text,
                location=piece.location,
                section=piece.section,
                citation=cite(source, piece.location, piece.role),
                role=piece.role,
            )
        )
    return tuple(passages)


def relative_name(path: Path, folder: Path) -> str:
    """A file's name as the manifest and the index know it: its path under the documents folder,
    "/"-separated, NFC (macOS writes Vietnamese file names decomposed)."""
    path = Path(path)
    relative = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name
    return unicodedata.normalize("NFC", relative)


def manifest_entry(manifest: dict[str, dict], relative: str, name_counts: Counter) -> dict:
    """The manifest entry of a file: by its path under the folder, else by its bare name when
    no other file in the folder has that name."""
    entry = manifest.get(relative)
    if entry is None:
        name = relative.rsplit("/", 1)[-1]
        if name != relative and name_counts[name] == 1:
            entry = manifest.get(name)
    return entry or {}


def ingest_file(path: Path, entry: dict, *, relative: str | None = None, max_bytes: int = MAX_DOCUMENT_BYTES) -> Document:
    """Read, clean and split one file. Raises UnreadableDocument with the reason (in Vietnamese)."""
    relative = relative or unicodedata.normalize("NFC", Path(path).name)
    raw = loaders.read_document(path, max_bytes=max_bytes)
    text = clean_text(raw, entry)
    if len(text.strip()) < 40:
        raise UnreadableDocument("gần như không có nội dung sau khi làm sạch")
    data = path.read_bytes()
    source = replace(metadata.source_from(entry, relative, text), content_hash=content_hash(data))
    if not source.published and (entry.get("text_kind") == "web-page" or raw.kind == "html"):
        source = replace(source, published=metadata.posted_date(raw.text))
    passages = passages_of(source, text)
    if not passages:
        raise UnreadableDocument("không tách được đoạn nào")
    return Document(source, passages, encoding=raw.encoding)


def ingest_folder(
    folder: Path,
    *,
    files: Iterable[Path] | None = None,
    on_file: Callable[[Path], None] | None = None,
    max_document_bytes: int = MAX_DOCUMENT_BYTES,
) -> Corpus:
    """Ingest every readable document of a folder; the manifest, if any, supplies metadata.

    An unusable manifest is a warning, not a stop: the documents are then described by their
    own headers. A file over `max_document_bytes` of text is skipped with the reason."""
    paths = list(files) if files is not None else list_document_files(folder)
    corpus = Corpus()
    try:
        manifest = metadata.read_manifest(folder)
    except metadata.ManifestError as error:
        manifest = {}
        corpus.warnings.append(f"{error} — bỏ qua manifest: thông tin văn bản được đọc từ phần đầu của từng tệp")
    names = [relative_name(path, folder) for path in paths]
    name_counts = Counter(name.rsplit("/", 1)[-1] for name in names)
    seen_ids: dict[str, str] = {}
    for path, relative in zip(paths, names):
        if on_file:
            on_file(path)
        entry = manifest_entry(manifest, relative, name_counts)
        try:
            document = ingest_file(path, entry, relative=relative, max_bytes=max_document_bytes)
        except UnreadableDocument as error:
            corpus.skipped.append(Skipped(relative, str(error)))
            continue
        except OSError as error:
            corpus.skipped.append(Skipped(relative, f"không đọc được tệp ({error.strerror or error})"))
            continue
        if document.source.id in seen_ids:
            corpus.skipped.append(
                Skipped(relative, f"trùng mã tài liệu «{document.source.id}» với {seen_ids[document.source.id]}")
            )
            continue
        seen_ids[document.source.id] = relative
        corpus.documents.append(document)
    return corpus
