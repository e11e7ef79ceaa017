"""Fixtures shared by every room's tests: the starter corpus and one lexical index built from it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach a model hub

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
GOLD = REPO.parent / "shared" / "eval" / "dev.jsonl"


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"starter corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def lexical_index(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter corpus built once per session, lexical fields only (no embedding model)."""
    from index.build import build_index

    index_dir = tmp_path_factory.mktemp("lexical-index")
    build_index(corpus_dir, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def lexical_searcher(lexical_index: Path):
    from index.searcher import open_index

    return open_index(lexical_index)
