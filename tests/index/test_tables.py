"""Search tables computed at build time load back equal, and answers do not change."""

import json
import shutil

import numpy as np

from index import tables as tables_module
from index.searcher import open_index
from index.questions import document_numbers
from index.tables import TABLES_DIR, compute_tables, read_tables
from knowledge.roles import BODY, SIGNATURE


def _build_dir(index_dir):
    return (index_dir / "current").resolve()


def test_stored_tables_load_back_equal_to_the_ones_computed_from_the_passages(lexical_searcher):
    build_dir = lexical_searcher.build_dir
    stored = read_tables(build_dir)
    computed = compute_tables(lexical_searcher.passages, lexical_searcher.sources)
    assert list(stored.plain_texts) == list(computed.plain_texts)
    assert stored.answer_kinds == computed.answer_kinds
    assert np.array_equal(stored.answer_mask, computed.answer_mask)
    assert stored.facts == computed.facts
    assert stored.diacritics == computed.diacritics
    assert stored.levels == computed.levels
    assert stored.parts == computed.parts and stored.known_numbers == computed.known_numbers
    assert any(stored.levels) and any(stored.answer_kinds)


def test_stored_role_parts_and_known_numbers_equal_what_the_searcher_computed_from_every_passage(lexical_searcher):
    # What Searcher.__init__ computed per passage at every load before these were tables.
    passages, sources = lexical_searcher.passages, lexical_searcher.sources
    parts: dict[tuple[str, str], list[int]] = {}
    for position, passage in enumerate(passages):
        if passage.role != BODY:
            parts.setdefault((passage.source_id, passage.role), []).append(position)
    numbers = frozenset().union(*(document_numbers(s.number) for s in sources.values()),
                                *(document_numbers(p.text) for p in passages))
    stored = read_tables(lexical_searcher.build_dir)
    assert stored.parts == parts and {role for _, role in parts} >= {SIGNATURE}
    assert stored.known_numbers == numbers and len(numbers) > len(sources)
    assert lexical_searcher._parts == parts and lexical_searcher._known_numbers == numbers


def test_answers_are_the_same_from_stored_tables_and_from_tables_computed_at_load(lexical_index, tmp_path, corpus_dir):
    copy = tmp_path / "index"
    shutil.copytree(_build_dir(lexical_index), copy)  # a single build, served from its own directory
    stored = open_index(copy)
    shutil.rmtree(copy / TABLES_DIR)  # as a build from before the tables: computed at load
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {name: digest for name, digest in manifest["files"].items() if not name.startswith(TABLES_DIR)}
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    computed = open_index(copy)
    gold = corpus_dir.parent / "eval" / "dev.jsonl"
    questions = [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    questions += ["thang hanh dong vi binh dang gioi bat dau tu ngay nao", "Nghị định 999/2030/NĐ-CP quy định gì?"]
    for question in questions:
        first, second = stored.search(question, k=10), computed.search(question, k=10)
        assert [h.passage.id for h in first.hits] == [h.passage.id for h in second.hits], question
        assert [h.score for h in first.hits] == [h.score for h in second.hits], question
        assert (first.abstained, first.reason) == (second.abstained, second.reason), question


def test_tables_from_other_code_are_computed_again(lexical_index, tmp_path, monkeypatch):
    copy = tmp_path / "index"
    shutil.copytree(_build_dir(lexical_index), copy)
    monkeypatch.setattr(tables_module, "fingerprint", lambda: "code that has changed since the build")
    calls = []
    real = tables_module.compute_tables
    monkeypatch.setattr(tables_module, "compute_tables", lambda *args: calls.append(1) or real(*args))
    searcher = open_index(copy)
    assert calls == [1]
    assert searcher.search("Bình đẳng giới là gì?").hits
