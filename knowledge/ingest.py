"""A folder of documents → sources and their passages; unreadable files are reported, not fatal."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from knowledge import cleaning, doctypes, loaders, metadata
from knowledge.citation import cite
from knowledge.errors import DocumentsFolderError, UnreadableDocument
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


@dataclass
class Corpus:
    """What a folder yielded."""

    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

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


def ingest_file(path: Path, entry: dict) -> Document:
    """Read, clean and split one file. Raises UnreadableDocument with the reason."""
    data = path.read_bytes()
    raw = loaders.read_document(path)
    text = clean_text(raw, entry)
    if len(text.strip()) < 40:
        raise UnreadableDocument("gần như không có nội dung sau khi làm sạch")
    source = replace(metadata.source_from(entry, path.name, text), content_hash=content_hash(data))
    if not source.published and (entry.get("text_kind") == "web-page" or raw.kind == "html"):
        source = replace(source, published=metadata.posted_date(raw.text))
    passages = passages_of(source, text)
    if not passages:
        raise UnreadableDocument("không tách được đoạn nào")
    return Document(source, passages)


def ingest_folder(
    folder: Path,
    *,
    files: Iterable[Path] | None = None,
    on_file: Callable[[Path], None] | None = None,
) -> Corpus:
    """Ingest every readable document of a folder; the manifest, if any, supplies metadata."""
    paths = list(files) if files is not None else list_document_files(folder)
    manifest = metadata.read_manifest(folder)
    corpus = Corpus()
    seen_ids: set[str] = set()
    for path in paths:
        if on_file:
            on_file(path)
        relative = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else path.name
        entry = manifest.get(relative) or manifest.get(path.name) or {}
        try:
            document = ingest_file(path, entry)
        except UnreadableDocument as error:
            corpus.skipped.append(Skipped(relative, str(error)))
            continue
        except OSError as error:
            corpus.skipped.append(Skipped(relative, f"không đọc được tệp ({error.strerror or error})"))
            continue
        if document.source.id in seen_ids:
            corpus.skipped.append(Skipped(relative, f"trùng mã tài liệu '{document.source.id}' với một tệp khác"))
            continue
        seen_ids.add(document.source.id)
        corpus.documents.append(document)
    return corpus
