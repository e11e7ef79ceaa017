"""The one loaded index the bot serves from, and its replacement by a rebuilt one without a restart."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from index.types import SearchResult
from knowledge.types import Passage, Source

log = logging.getLogger(__name__)

WARM_UP_QUESTION = "bình đẳng giới là gì"


class SearcherLike(Protocol):
    """The surface of `index.searcher.Searcher` the bot uses."""

    sources: dict[str, Source]
    passages: list[Passage]  # every passage, in reading order within each source
    manifest: dict

    def search(self, question: str, k: int = 5) -> SearchResult: ...
    def passage(self, passage_id: str) -> Passage: ...
    def section_passages(self, passage_id: str) -> list[Passage]: ...


@dataclass(frozen=True)
class RebuildOutcome:
    """What a /reindex run reports to the admin who asked for it."""

    documents: int
    passages: int
    seconds: float
    build_id: str = ""  # the new build's directory name, which /reindex publishes to other workers
    skipped: tuple[tuple[str, str], ...] = ()  # (file, reason) of each file left out
    encodings: tuple[tuple[str, str], ...] = ()  # (file, encoding) of each file read in one other than UTF-8
    warnings: tuple[str, ...] = ()  # about the folder as a whole (an unusable manifest)


class SearcherHolder:
    """Holds the searcher in use; `swap` replaces it atomically for every later question."""

    def __init__(self, searcher: SearcherLike) -> None:
        self._searcher = searcher
        self._rebuild_lock = threading.Lock()

    def get(self) -> SearcherLike:
        return self._searcher

    def swap(self, searcher: SearcherLike) -> SearcherLike:
        """Serve `searcher` from now on; the previous one, which questions in flight still use."""
        previous, self._searcher = self._searcher, searcher
        return previous

    @property
    def rebuilding(self) -> bool:
        return self._rebuild_lock.locked()

    async def rebuild(self, docs_dir: Path, index_dir: Path, *, max_document_bytes: int | None = None) -> RebuildOutcome:
        """Rebuild the index from `docs_dir` in a worker thread, then swap it in.

        The old searcher answers until the new one is built, opened and warmed up. A failed build
        raises and leaves both the index on disk and the one in use as they were. Raises
        RuntimeError when a rebuild is already running.
        """
        if not self._rebuild_lock.acquire(blocking=False):
            raise RuntimeError("a rebuild is already running")
        try:
            started = time.monotonic()
            encoder = getattr(self.get(), "encoder", None)
            searcher, report = await asyncio.to_thread(_build_and_open, docs_dir, index_dir, encoder, max_document_bytes)
            self.swap(searcher)
            manifest = searcher.manifest
            outcome = RebuildOutcome(documents=_count(manifest.get("documents"), len(searcher.sources)),
                                     passages=_count(manifest.get("passages"), 0),
                                     seconds=time.monotonic() - started,
                                     build_id=Path(getattr(searcher, "build_dir", "")).name,
                                     skipped=tuple((item.file, item.reason) for item in report.skipped),
                                     encodings=tuple(report.encodings.items()),
                                     warnings=tuple(report.warnings))
            log.info("index rebuilt and swapped in: %s", outcome)
            return outcome
        finally:
            self._rebuild_lock.release()


def warm_up(searcher: SearcherLike) -> None:
    """Run one search so that lazily loaded parts (the embedding model) load now, not on a user's question."""
    searcher.search(WARM_UP_QUESTION, 1)


def _build_and_open(docs_dir: Path, index_dir: Path, encoder=None, max_document_bytes: int | None = None):
    """Build, open and warm up the new index; returns (searcher, index.build.BuildReport)."""
    # Imported here: building pulls in the ingestion stack, which a serving bot needs only on /reindex.
    from index.build import build_index
    from index.searcher import open_index

    limit = {"max_document_bytes": max_document_bytes} if max_document_bytes else {}
    # The serving encoder embeds the new build too: one model in memory, and the new index
    # is certain to match the model that will query it.
    report = build_index(docs_dir, index_dir, encoder=encoder, **limit)
    searcher = open_index(index_dir, encoder=encoder)
    warm_up(searcher)
    return searcher, report


def _count(value: object, fallback: int) -> int:
    """Manifest counts may be numbers or lists of entries."""
    if isinstance(value, int):
        return value
    if isinstance(value, (list, dict)):
        return len(value)
    return fallback
