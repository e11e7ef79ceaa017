"""Building, rebuilding and serving the index directory safely."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from index import store
from index.build import build_index
from index.errors import IndexDamaged, IndexIncompatible
from index.searcher import open_index

LAW = """Điều 1. Phạm vi điều chỉnh
Luật này quy định về bình đẳng giới trong gia đình và xã hội, biện pháp bảo đảm bình đẳng giới.

Điều 2. Nghỉ thai sản
Lao động nữ được nghỉ thai sản trước và sau khi sinh con là 06 tháng.
"""
PLAN = """KẾ HOẠCH
Thực hiện công tác bình đẳng giới năm 2024

I. NỘI DUNG
1. Tổ chức Tháng hành động vì bình đẳng giới từ ngày 15/11 đến ngày 15/12.
2. Giao Văn phòng chủ trì theo dõi, đôn đốc thực hiện Kế hoạch này.
"""
NEWS = """Tỉnh tổ chức hội nghị tập huấn về phòng ngừa bạo lực trên cơ sở giới cho cán bộ cơ sở.
Hội nghị nhấn mạnh vai trò của nam giới trong việc chia sẻ công việc gia đình.
"""


@pytest.fixture()
def docs(tmp_path: Path, write_documents) -> Path:
    return write_documents(tmp_path / "docs", {"luat.txt": LAW, "ke-hoach.txt": PLAN, "tin.txt": NEWS})


def test_rebuild_with_no_change_embeds_nothing(docs, tmp_path, dense_encoder):
    index_dir = tmp_path / "index"
    first = build_index(docs, index_dir, encoder=dense_encoder)
    second = build_index(docs, index_dir, encoder=dense_encoder)
    assert first.timings["passages_embedded"] == first.passages > 0
    assert second.timings["passages_embedded"] == 0
    assert second.changes["unchanged"] == sorted(["luat", "ke-hoach", "tin"])


def test_changing_one_document_reembeds_only_its_passages(docs, tmp_path, dense_encoder):
    index_dir = tmp_path / "index"
    build_index(docs, index_dir, encoder=dense_encoder)
    (docs / "tin.txt").write_text(NEWS + "Kết thúc hội nghị, các đại biểu cam kết hành động.\n", encoding="utf-8")
    report = build_index(docs, index_dir, encoder=dense_encoder)
    searcher = open_index(index_dir, encoder=dense_encoder)
    news_passages = [p for p in searcher.passages if p.source_id == "tin"]
    assert report.changes["changed"] == ["tin"]
    assert report.timings["passages_embedded"] == len(news_passages)


def test_a_previous_build_whose_term_counts_cannot_be_read_is_analysed_anew_not_fatal(docs, tmp_path):
    import json

    index_dir = tmp_path / "index"
    full = build_index(docs, index_dir)
    old = store.current_build(index_dir)
    (old / "lexical_plain.counts.npz").write_bytes(b"not a zip archive")
    manifest = json.loads((old / store.MANIFEST).read_text(encoding="utf-8"))
    store.write_manifest(old, {key: value for key, value in manifest.items() if key not in ("files", "inputs")})
    (docs / "tin.txt").write_text(NEWS + "Kết thúc hội nghị.\n", encoding="utf-8")
    report = build_index(docs, index_dir)
    assert report.timings["texts_analysed"] >= full.timings["texts_analysed"]  # nothing reused, nothing lost
    assert open_index(index_dir).search("Lao động nữ nghỉ thai sản bao lâu").hits


def test_the_first_build_after_a_format_upgrade_still_reuses_the_old_build_s_vectors(docs, tmp_path, dense_encoder):
    """A format-2 build (plain passages.jsonl, other lexical files) is not served, but its vectors
    are what its texts embed to: the upgrade costs a re-analysis, not a re-embedding."""
    import json

    index_dir = tmp_path / "index"
    build_index(docs, index_dir, encoder=dense_encoder)
    old = store.current_build(index_dir)
    records = store.read_passages(old)
    (old / store.LEGACY_PASSAGES).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    (old / store.PASSAGES).unlink()
    manifest = json.loads((old / store.MANIFEST).read_text(encoding="utf-8"))
    store.write_manifest(old, {key: value for key, value in manifest.items() if key != "files"} | {"format": 2, "inputs": ""})
    report = build_index(docs, index_dir, encoder=dense_encoder)
    assert report.build_dir != old and report.timings["passages_embedded"] == 0
    assert report.timings["texts_analysed"] > 0  # term counts are not trusted across formats
    assert open_index(index_dir, encoder=dense_encoder).search("Lao động nữ nghỉ thai sản bao lâu").hits


def test_a_removed_document_disappears_from_answers(docs, tmp_path):
    index_dir = tmp_path / "index"
    build_index(docs, index_dir)
    (docs / "tin.txt").unlink()
    report = build_index(docs, index_dir)
    assert report.changes["removed"] == ["tin"]
    assert "tin" not in open_index(index_dir).sources


def test_a_failed_build_leaves_the_previous_index_serving(docs, tmp_path):
    index_dir = tmp_path / "index"
    build_index(docs, index_dir)
    live = store.current_build(index_dir)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError):
        build_index(empty, index_dir)
    assert store.current_build(index_dir) == live
    assert not open_index(index_dir).search("Lao động nữ nghỉ thai sản bao lâu").abstained


def test_a_damaged_live_build_falls_back_to_the_previous_good_one(docs, tmp_path):
    index_dir = tmp_path / "index"
    build_index(docs, index_dir)
    previous = store.current_build(index_dir)
    (docs / "tin.txt").unlink()
    build_index(docs, index_dir)
    damaged = store.current_build(index_dir)
    (damaged / store.PASSAGES).write_text("{}", encoding="utf-8")
    searcher = open_index(index_dir)
    assert searcher.build_dir == previous
    assert any(store.PASSAGES in warning for warning in searcher.warnings)


def test_an_index_with_every_build_damaged_is_refused_clearly(docs, tmp_path):
    index_dir = tmp_path / "index"
    build_index(docs, index_dir)
    (store.current_build(index_dir) / "sources.json").unlink()
    with pytest.raises(IndexDamaged, match="sources.json"):
        open_index(index_dir)


def test_an_index_built_by_another_model_is_refused(docs, tmp_path, dense_encoder, monkeypatch):
    index_dir = tmp_path / "index"
    build_index(docs, index_dir, encoder=dense_encoder)
    monkeypatch.setattr(dense_encoder, "name", "some-other-model")
    with pytest.raises(IndexIncompatible, match="some-other-model"):
        open_index(index_dir, encoder=dense_encoder)


def test_a_build_killed_midway_leaves_the_previous_index_answering(corpus_dir, tmp_path, write_documents):
    index_dir = tmp_path / "index"
    small = write_documents(tmp_path / "small", {"luat.txt": LAW})
    build_index(small, index_dir)
    live = store.current_build(index_dir)

    # A folder big enough that the build is still running when it is killed.
    big = tmp_path / "big"
    big.mkdir()
    for copy in range(6):
        for path in corpus_dir.glob("*.txt"):
            shutil.copy(path, big / f"{copy}-{path.name}")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    command = [sys.executable, "-m", "scripts.cli", "index", "build", "--docs", str(big), "--index", str(index_dir), "--no-dense", "--quiet"]
    process = subprocess.Popen(command, env=env, cwd=Path(__file__).resolve().parents[2])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((index_dir / "builds").glob("*.partial")):
        time.sleep(0.05)
    assert list((index_dir / "builds").glob("*.partial")), "the build never started writing"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    assert store.current_build(index_dir) == live
    ask = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "ask", "--index", str(index_dir), "Lao động nữ được nghỉ thai sản bao lâu?"],
        env=env, cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True, timeout=120,
    )
    assert ask.returncode == 0, ask.stderr
    assert "06 tháng" in ask.stdout


def test_a_dense_index_without_its_model_says_how_to_install_it(docs, tmp_path, dense_encoder):
    index_dir = tmp_path / "index"
    build_index(docs, index_dir, encoder=dense_encoder)
    with pytest.raises(IndexIncompatible, match="binhdang model install"):
        open_index(index_dir, model_dir=tmp_path / "no-model-here")
    assert open_index(index_dir, lexical_only=True).search("Lao động nữ nghỉ thai sản bao lâu").hits


def test_terms_analysed_across_processes_equal_the_ones_analysed_in_one(corpus_dir):
    from index import build
    from knowledge.ingest import ingest_folder

    texts = [passage.text for passage in ingest_folder(corpus_dir).passages[:40]]
    original = build.PARALLEL_MIN_TEXTS
    build.PARALLEL_MIN_TEXTS = 10
    try:
        parallel = list(build.iter_analyses(texts, workers=2))
    finally:
        build.PARALLEL_MIN_TEXTS = original
    assert parallel == list(build.iter_analyses(texts, workers=1))


def test_rebuild_from_unchanged_inputs_keeps_the_live_build_and_a_manifest_edit_does_not(docs, tmp_path):
    index_dir = tmp_path / "index"
    first = build_index(docs, index_dir)
    second = build_index(docs, index_dir)
    assert second.build_dir == first.build_dir == store.current_build(index_dir)
    assert (second.documents, second.passages) == (first.documents, first.passages)
    assert second.changes["unchanged"] == sorted(["luat", "ke-hoach", "tin"])
    assert len(store.sealed_builds(index_dir)) == 1
    (docs / "manifest.json").write_text('{"sources": [{"file": "luat.txt", "title": "Luật thử"}]}', encoding="utf-8")
    third = build_index(docs, index_dir)
    assert third.build_dir != first.build_dir
    assert open_index(index_dir).sources["luat"].title == "Luật thử"
    assert build_index(docs, index_dir, full=True).build_dir != third.build_dir  # --full always rebuilds


def test_term_counts_give_back_every_text_s_counts_in_a_new_vocabulary(docs, tmp_path):
    """The counts a build stores are read back, text by text, into another vocabulary: what the
    next build would have counted from the analyser's terms."""
    from collections import Counter

    from index.build import passage_text_keys
    from index.termcounts import PreviousCounts, TermCounter
    from index.tokenise import analyse

    searcher = open_index(build_index(docs, tmp_path / "index").index_dir)
    previous = PreviousCounts(searcher.build_dir)
    keys, texts = passage_text_keys(searcher.passages, searcher.sources)
    counter = TermCounter()
    counter.intern(["một từ có trước", "binh_dang"])  # ids differ from the stored build's
    terms = counter.terms
    assert len(texts) == len(previous) and all(key in previous for row in keys for key in row)
    for key, text in texts.items():
        analysis = analyse(text)
        for (ids, counts), analysed in zip(previous.take(key, counter), (analysis.words, analysis.plain)):
            vocabulary = terms()
            assert Counter({vocabulary[i]: c for i, c in zip(ids.tolist(), counts.tolist())}) == Counter(analysed)
    assert "không có văn bản này" not in previous


def test_term_counts_over_a_vocabulary_of_more_than_65536_terms_keep_every_id():
    from index.termcounts import TermCounter

    counter = TermCounter()
    for i in range(40_000):
        counter.add_terms(f"{i:040x}", [f"w{i}", f"w{i}"], [f"p{i}", f"p{i + 1}"])
    words, plain = counter.matrices()
    vocabulary = counter.terms()
    row = counter.rows[f"{39_999:040x}"]
    assert [vocabulary[i] for i in words[row].indices] == ["w39999"] and words[row].data.tolist() == [2]
    assert sorted(vocabulary[i] for i in plain[row].indices) == ["p39999", "p40000"]


def test_a_rebuild_reads_the_terms_of_unchanged_texts_from_the_previous_build(docs, tmp_path, monkeypatch):
    from index import build
    from index.tokenise import analyse

    index_dir = tmp_path / "index"
    full = build_index(docs, index_dir)
    (docs / "tin.txt").write_text(NEWS + "Kết thúc hội nghị, các đại biểu cam kết hành động.\n", encoding="utf-8")
    analysed = []
    monkeypatch.setattr(build, "_terms", lambda text: analysed.append(text) or [list(analyse(text).words), list(analyse(text).plain)])
    report = build_index(docs, index_dir)
    assert analysed and all("hội nghị" in text or "tin" in text.lower() for text in analysed)
    assert report.timings["texts_analysed"] == len(analysed) < full.timings["texts_analysed"]
    # The rebuilt index is the one a full build makes: same counts in every field.
    reused = open_index(index_dir)
    fresh = open_index(build_index(docs, tmp_path / "fresh", full=True).index_dir)
    for name, field in reused.lexical.items():
        other = fresh.lexical[name]
        assert set(field.vocabulary) == set(other.vocabulary)
        order = [other.vocabulary[term] for term, _ in sorted(field.vocabulary.items(), key=lambda item: item[1])]
        assert (field.counts != other.counts[:, order]).nnz == 0
        assert np.array_equal(field.weights.toarray(), other.weights[:, order].toarray())


def test_passages_are_stored_compressed_and_read_back_as_written(tmp_path):
    records = [{"id": f"p{i}", "text": "Lao động nữ được nghỉ thai sản 06 tháng.\nĐiều 2. " * (i + 1)} for i in range(50)]
    store.write_passages(tmp_path, records)
    path = tmp_path / store.PASSAGES
    assert path.stat().st_size < len("".join(r["text"] for r in records).encode()) / 4
    assert store.read_passages(tmp_path) == records
    first = path.read_bytes()
    store.write_passages(tmp_path, records)
    assert path.read_bytes() == first  # equal passages, equal bytes (no time stamp inside)
    path.write_bytes(first[: len(first) // 2])
    with pytest.raises(ValueError):
        store.read_passages(tmp_path)
    path.write_text('{"id": "p0"}\n', encoding="utf-8")
    with pytest.raises(ValueError):
        store.read_passages(tmp_path)
