"""Documents folder → a sealed, verified build, published atomically as the live index."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from index import store
from index.errors import IndexError_
from index.lexical import LexicalIndex
from index.normalise import ABBREVIATIONS_FILE
from index.settings import FIELDS, IndexSettings
from index.tables import compute_tables, context_text, write_tables
from index.tables import fingerprint as tables_fingerprint
from index.termcounts import KEYS_FILE, TEXT_GROUPS, PreviousCounts, TermCounter, encode_keys
from index.tokenise import TOKENISER_ID, analyse
from knowledge.splitting import heading_lines
from knowledge.encodings import encoding_label
from knowledge.ingest import Corpus, Document, Skipped, ingest_folder, list_document_files
from knowledge.loaders import MAX_DOCUMENT_BYTES
from knowledge.types import Passage, Source

FORMAT_VERSION = 3  # 2: heading fields; 3: term counts stored, not BM25 weights, and no separate term cache
DENSE_DIR = "dense"


def abbreviations_hash() -> str:
    """Identity of the abbreviation table the terms were expanded with."""
    return hashlib.sha256(ABBREVIATIONS_FILE.read_bytes()).hexdigest()


def text_key(text: str) -> str:
    """Cache key of a text: equal texts share their terms and their vector across builds."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass
class Reuse:
    """What the previous build offers to this one: term counts and vectors by text, document hashes."""

    terms: PreviousCounts | None = None
    vectors: dict[str, np.ndarray] = field(default_factory=dict)
    document_hashes: dict[str, str] = field(default_factory=dict)
    dense_model: str | None = None

    @classmethod
    def from_build(cls, build_dir: Path | None) -> "Reuse":
        """Read a previous build's caches; anything unreadable is simply not reused."""
        if build_dir is None:
            return cls()
        reuse = cls()
        try:
            manifest = json.loads((build_dir / "manifest.json").read_text(encoding="utf-8"))
            reuse.document_hashes = manifest.get("document_hashes", {})
            same_analysis = (
                manifest.get("format") == FORMAT_VERSION
                and manifest.get("tokeniser") == TOKENISER_ID
                and manifest.get("abbreviations") == abbreviations_hash()
            )
            if same_analysis:  # an edited abbreviation table changes every text's terms
                reuse.terms = PreviousCounts(build_dir)
            dense_meta = manifest.get("dense") or {}
            reuse.dense_model = dense_meta.get("model")
            if reuse.dense_model:
                from index.dense import VECTORS_FILE

                vectors = np.load(build_dir / DENSE_DIR / VECTORS_FILE)
                texts = [record["text"] for record in store.read_passages(build_dir)]
                if len(texts) == len(vectors):
                    reuse.vectors = {text_key(text): vector for text, vector in zip(texts, vectors)}
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):  # unreadable: built anew, not reused
            return cls(document_hashes=reuse.document_hashes)
        return reuse


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
    encodings: dict[str, str] = field(default_factory=dict)  # file → encoding it was read in, when not UTF-8
    warnings: list[str] = field(default_factory=list)  # about the folder as a whole (an unusable manifest)


PARALLEL_MIN_TEXTS = 2000  # below this, starting worker processes costs more than it saves


def _terms(text: str) -> list[list[str]]:
    analysis = analyse(text)
    return [list(analysis.words), list(analysis.plain)]


def iter_analyses(texts: list[str], workers: int | None = None) -> Iterator[list[list[str]]]:
    """[words, plain] terms of each text, in order, as they are made; across processes for a large build.

    underthesea's tagger is pure CPU and holds the GIL, so threads would not help; each worker
    process loads it once and takes texts in chunks. Results are yielded as they arrive, so the
    caller can turn them into counts without holding every text's terms as strings.
    """
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(texts) < PARALLEL_MIN_TEXTS:
        yield from (_terms(text) for text in texts)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(_terms, texts, chunksize=64)


def passage_text_keys(passages: list[Passage], sources: dict[str, Source]) -> tuple[list[tuple[str, str, str]], dict[str, str]]:
    """For each passage, the keys of the texts behind its row in each group of fields (its own
    text, its document's context, its headings; termcounts.TEXT_GROUPS), and each key's text."""
    texts: dict[str, str] = {}
    keys = []
    for passage in passages:
        row = []
        for text in (passage.text, context_text(sources[passage.source_id]), "\n".join(heading_lines(passage.text))):
            key = text_key(text)
            texts.setdefault(key, text)
            row.append(key)
        keys.append(tuple(row))
    return keys, texts


@dataclass
class FieldCounts:
    """The term counts behind every lexical field: each distinct text's counts once, and which
    text each passage's row takes in each group of fields (termcounts.TEXT_GROUPS)."""

    words: sparse.csr_matrix  # distinct texts × terms
    plain: sparse.csr_matrix
    terms: list[str]
    rows: dict[str, np.ndarray]  # field name → the row of `words` / `plain` each passage takes
    keys: list[tuple[str, str, str]]  # per passage, the key of the text behind each group of fields
    analysed: int  # texts analysed by this build (the rest came from the previous one)

    def index(self, name: str) -> LexicalIndex:
        """The BM25 index of one field."""
        analysed = self.plain if name.endswith("plain") else self.words
        return LexicalIndex.from_counts(analysed[self.rows[name]], self.terms)


def field_counts(passages: list[Passage], sources: dict[str, Source], previous: PreviousCounts | None) -> FieldCounts:
    """Every lexical field's term counts; texts whose counts the previous build holds are not
    analysed again, the others are counted as their analyses arrive (never all held as strings)."""
    keys, texts = passage_text_keys(passages, sources)
    counter = TermCounter()
    missing = []
    for key in texts:
        if previous is not None and key in previous:
            counter.add_counts(key, *previous.take(key, counter))
        else:
            missing.append(key)
    for key, (words, plain) in zip(missing, iter_analyses([texts[key] for key in missing])):
        counter.add_terms(key, words, plain)
    words, plain = counter.matrices()
    rows = {}
    for group, names in enumerate(TEXT_GROUPS):
        group_rows = np.fromiter((counter.rows[row_keys[group]] for row_keys in keys), dtype=np.int64, count=len(keys))
        rows.update({name: group_rows for name in names})
    return FieldCounts(words, plain, counter.terms(), rows, keys, len(missing))


def corpus_hash(documents: list[Document]) -> str:
    """One hash over every document's content hash: equal hashes, equal knowledge base."""
    digest = hashlib.sha256()
    for document in sorted(documents, key=lambda d: d.source.id):
        digest.update(f"{document.source.id}:{document.source.content_hash}\n".encode())
    return digest.hexdigest()


def embed_passages(encoder, passages: list[Passage], reuse: Reuse, progress: bool) -> tuple[np.ndarray, int]:
    """Vectors of all passages, reusing the previous build's for unchanged texts.

    Returns (vectors, how many passages were embedded now)."""
    reusable = reuse.vectors if reuse.dense_model == encoder.name else {}
    missing = [i for i, passage in enumerate(passages) if text_key(passage.text) not in reusable]
    vectors = np.zeros((len(passages), encoder.dim), dtype=np.float32)
    if missing:
        fresh = encoder.encode_passages([passages[i].text for i in missing], show_progress=progress)
        for row, i in enumerate(missing):
            vectors[i] = fresh[row]
    for i, passage in enumerate(passages):
        key = text_key(passage.text)
        if key in reusable:
            vectors[i] = reusable[key]
    return vectors, len(missing)


def write_build(
    build_dir: Path,
    corpus: Corpus,
    settings: IndexSettings,
    docs_dir: Path,
    reuse: Reuse,
    encoder=None,
    progress: bool = False,
    inputs: str = "",
) -> dict[str, float]:
    """Write sources, passages, lexical arrays and (with an encoder) dense vectors into a build."""
    timings: dict[str, float] = {}
    sources = {document.source.id: document.source for document in corpus.documents}
    passages = corpus.passages
    started = time.perf_counter()
    counts = field_counts(passages, sources, reuse.terms)
    timings["tokenise_s"] = time.perf_counter() - started
    timings["texts_analysed"] = float(counts.analysed)

    started = time.perf_counter()
    for name in FIELDS:  # one field at a time: each one's arrays are freed once written
        counts.index(name).save(build_dir, f"lexical_{name}")
    np.save(build_dir / KEYS_FILE, encode_keys(counts.keys))
    del counts
    timings["lexical_s"] = time.perf_counter() - started

    started = time.perf_counter()
    write_tables(build_dir, compute_tables(passages, sources))
    timings["tables_s"] = time.perf_counter() - started

    dense_meta = None
    if encoder is not None:
        from index.dense import DenseIndex

        started = time.perf_counter()
        vectors, embedded = embed_passages(encoder, passages, reuse, progress)
        (build_dir / DENSE_DIR).mkdir()
        DenseIndex.build(vectors).save(build_dir / DENSE_DIR)
        timings["embed_s"] = time.perf_counter() - started
        timings["passages_embedded"] = float(embedded)
        dense_meta = {"model": encoder.name, "dim": encoder.dim, "window_tokens": encoder.window_tokens}

    (build_dir / "sources.json").write_text(
        json.dumps([source.to_dict() for source in sources.values()], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    store.write_passages(build_dir, (passage.to_dict() for passage in passages))
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
        "document_files": {d.source.id: d.source.file for d in corpus.documents},
        "tokeniser": TOKENISER_ID,
        "abbreviations": abbreviations_hash(),
        "settings": settings.to_dict(),
        "dense": dense_meta,
        "inputs": inputs,
    }
    store.write_manifest(build_dir, manifest)
    return timings


def compare_documents(previous: dict[str, str], current: dict[str, str]) -> dict[str, list[str]]:
    """Which document ids were added, changed, removed or kept unchanged since the last build."""
    return {
        "added": sorted(set(current) - set(previous)),
        "changed": sorted(i for i in current if i in previous and previous[i] != current[i]),
        "removed": sorted(set(previous) - set(current)),
        "unchanged": sorted(i for i in current if previous.get(i) == current[i]),
    }


def build_index(
    docs_dir: Path,
    index_dir: Path,
    *,
    settings: IndexSettings | None = None,
    progress: bool = False,
    full: bool = False,
    encoder=None,
    on_file: Callable[[Path], None] | None = None,
    max_document_bytes: int = MAX_DOCUMENT_BYTES,
) -> BuildReport:
    """Build the index of a documents folder and publish it; on any failure the live index stays.

    With an `encoder` (index.dense.Encoder) the build has a dense half too. Unless `full`,
    terms and vectors of passages whose text is unchanged are taken from the live build.
    """
    settings = settings or IndexSettings()
    started = time.perf_counter()
    files = list_document_files(docs_dir)
    store.check_writable(index_dir)  # before minutes of reading and embedding, not after
    inputs = inputs_hash(docs_dir, files, settings, encoder)
    if not full:
        unchanged = _unchanged_report(index_dir, inputs, encoder, started)
        if unchanged is not None:
            return unchanged
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

    corpus = ingest_folder(docs_dir, files=files, on_file=tick, max_document_bytes=max_document_bytes)
    if bar is not None:
        bar.close()
    if not corpus.documents:
        raise ValueError("Không có tài liệu nào đọc được trong thư mục: chỉ mục cũ được giữ nguyên.")
    previous = None if full else _live_build(index_dir)
    reuse = Reuse.from_build(previous)
    build_dir = store.new_build_dir(index_dir)
    try:
        timings = write_build(build_dir, corpus, settings, docs_dir, reuse, encoder, progress, inputs)
        final = store.publish(index_dir, build_dir)
    except OSError as error:  # disk full or permissions changed mid-build: the live build is untouched
        shutil.rmtree(build_dir, ignore_errors=True)
        raise store.not_writable(index_dir, error) from error
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
        changes=compare_documents(
            reuse.document_hashes, {d.source.id: d.source.content_hash for d in corpus.documents}
        ),
        encodings={d.source.file: encoding_label(d.encoding) for d in corpus.documents if d.encoding},
        warnings=list(corpus.warnings),
    )


_CODE_PACKAGES = ("knowledge", "index")  # the code that turns documents into a build


def inputs_hash(docs_dir: Path, files: list[Path], settings: IndexSettings, encoder=None) -> str:
    """One hash of everything a build is made from: the documents' bytes, the folder's
    manifest, the code and tables that read them, the settings and the dense model."""
    digest = hashlib.sha256()
    manifest = docs_dir / "manifest.json"
    for path in sorted([*files, manifest] if manifest.is_file() else files):
        digest.update(f"{path.relative_to(docs_dir).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    root = Path(__file__).resolve().parents[1]
    for package in _CODE_PACKAGES:
        for source in sorted((root / package).glob("*.py")):
            digest.update(source.name.encode() + hashlib.sha256(source.read_bytes()).digest())
    described = {
        "format": FORMAT_VERSION, "tokeniser": TOKENISER_ID, "abbreviations": abbreviations_hash(),
        "tables": tables_fingerprint(), "settings": settings.to_dict(),
        "dense": [encoder.name, encoder.dim, encoder.window_tokens] if encoder is not None else None,
    }
    digest.update(json.dumps(described, sort_keys=True).encode())
    return digest.hexdigest()


def _unchanged_report(index_dir: Path, inputs: str, encoder, started: float) -> BuildReport | None:
    """The live build, reported as this build's result, when it was made from the same inputs."""
    try:
        build_dir, manifest, _ = store.locate(index_dir)
    except IndexError_:
        return None
    if manifest.get("inputs") != inputs or build_dir != store.current_build(index_dir):
        return None
    try:
        skipped = [Skipped(**entry) for entry in json.loads((build_dir / "skipped.json").read_text(encoding="utf-8"))]
    except (OSError, ValueError, TypeError):
        return None
    timings = {"passages_embedded": 0.0} if encoder is not None else {}
    hashes = manifest.get("document_hashes", {})
    return BuildReport(
        index_dir=index_dir,
        build_dir=build_dir,
        documents=int(manifest.get("documents", len(hashes))),
        passages=int(manifest.get("passages", 0)),
        skipped=skipped,
        seconds=time.perf_counter() - started,
        timings=timings,
        changes=compare_documents(hashes, hashes),
    )


def _live_build(index_dir: Path) -> Path | None:
    try:
        build_dir, _, _ = store.locate(index_dir)
    except IndexError_:
        return None
    return build_dir
