"""Documents folder → a sealed, verified build, published atomically as the live index."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from index import store
from index.lexical import LexicalIndex
from index.settings import FIELDS, IndexSettings
from index.tokenise import TOKENISER_ID, analyse
from knowledge.ingest import Corpus, Document, Skipped, ingest_folder, list_document_files
from knowledge.types import Passage, Source

FORMAT_VERSION = 1


@dataclass
class BuildReport:
    """What a build did, for the summary the admin reads."""

    index_dir: Path
    build_dir: Path
    documents: int
    passages: int
    skipped: list[Skipped]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    changes: dict[str, list[str]] = field(default_factory=dict)  # added / changed / removed / reused


def context_text(source: Source) -> str:
    """The words that say which document a passage belongs to (matched at a lower weight)."""
    parts = [source.title, source.issuer, source.number, source.about_document, source.place]
    return " ".join(part for part in parts if part)


def field_terms(passages: list[Passage], sources: dict[str, Source]) -> dict[str, list[list[str]]]:
    """Every lexical field's terms for every passage, in passage order."""
    terms: dict[str, list[list[str]]] = {name: [] for name in FIELDS}
    context_cache: dict[str, object] = {}
    for passage in passages:
        analysis = analyse(passage.text)
        if passage.source_id not in context_cache:
            context_cache[passage.source_id] = analyse(context_text(sources[passage.source_id]))
        context = context_cache[passage.source_id]
        terms["words"].append(list(analysis.words))
        terms["plain"].append(list(analysis.plain))
        terms["context_words"].append(list(context.words))
        terms["context_plain"].append(list(context.plain))
    return terms


def corpus_hash(documents: list[Document]) -> str:
    """One hash over every document's content hash: equal hashes, equal knowledge base."""
    import hashlib

    digest = hashlib.sha256()
    for document in sorted(documents, key=lambda d: d.source.id):
        digest.update(f"{document.source.id}:{document.source.content_hash}\n".encode())
    return digest.hexdigest()


def write_build(build_dir: Path, corpus: Corpus, settings: IndexSettings, docs_dir: Path) -> dict[str, float]:
    """Write sources, passages and lexical arrays of a corpus into a build directory."""
    timings: dict[str, float] = {}
    sources = {document.source.id: document.source for document in corpus.documents}
    passages = corpus.passages
    started = time.perf_counter()
    terms = field_terms(passages, sources)
    timings["tokenise_s"] = time.perf_counter() - started

    started = time.perf_counter()
    for name, documents_terms in terms.items():
        LexicalIndex.build(documents_terms).save(build_dir, f"lexical_{name}")
    timings["lexical_s"] = time.perf_counter() - started

    (build_dir / "sources.json").write_text(
        json.dumps([source.to_dict() for source in sources.values()], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    with (build_dir / "passages.jsonl").open("w", encoding="utf-8") as handle:
        for passage in passages:
            handle.write(json.dumps(passage.to_dict(), ensure_ascii=False) + "\n")
    (build_dir / "skipped.json").write_text(
        json.dumps([skip.__dict__ for skip in corpus.skipped], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    manifest = {
        "format": FORMAT_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "docs_dir": str(docs_dir.resolve()),
        "corpus_hash": corpus_hash(corpus.documents),
        "documents": len(corpus.documents),
        "passages": len(passages),
        "document_hashes": {d.source.id: d.source.content_hash for d in corpus.documents},
        "tokeniser": TOKENISER_ID,
        "settings": settings.to_dict(),
        "dense": None,
    }
    store.write_manifest(build_dir, manifest)
    return timings


def build_index(
    docs_dir: Path,
    index_dir: Path,
    *,
    settings: IndexSettings | None = None,
    progress: bool = False,
    full: bool = False,
    dense: bool = False,
    on_file: Callable[[Path], None] | None = None,
) -> BuildReport:
    """Build the index of a documents folder and publish it; on any failure the live index stays."""
    settings = settings or IndexSettings()
    started = time.perf_counter()
    files = list_document_files(docs_dir)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), desc="Đọc tài liệu", unit="tệp")

    def tick(path: Path) -> None:
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(path.name[:30])
        if on_file is not None:
            on_file(path)

    corpus = ingest_folder(docs_dir, files=files, on_file=tick)
    if bar is not None:
        bar.close()
    if not corpus.documents:
        raise ValueError("Không có tài liệu nào đọc được trong thư mục: chỉ mục cũ được giữ nguyên.")
    index_dir.mkdir(parents=True, exist_ok=True)
    build_dir = store.new_build_dir(index_dir)
    try:
        timings = write_build(build_dir, corpus, settings, docs_dir)
        final = store.publish(index_dir, build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    return BuildReport(
        index_dir=index_dir,
        build_dir=final,
        documents=len(corpus.documents),
        passages=len(corpus.passages),
        skipped=corpus.skipped,
        seconds=time.perf_counter() - started,
        timings=timings,
    )
