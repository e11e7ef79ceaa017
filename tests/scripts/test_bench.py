"""`binhdang bench`: the synthetic corpus it builds, and one small run end to end."""

import json

from knowledge.ingest import ingest_folder
from scripts.bench import main, percentile
from scripts.synthetic import make_folder


def test_synthetic_folder_has_about_the_asked_passages_in_laws_and_plans_shapes(corpus_dir, tmp_path):
    made = make_folder(corpus_dir, tmp_path / "docs", 150)
    corpus = ingest_folder(tmp_path / "docs")
    assert not corpus.skipped
    assert len(corpus.passages) == made
    assert 120 <= made <= 150
    texts = "\n".join(passage.text for passage in corpus.passages)
    assert "Điều " in texts and "\nII. " in texts  # a law's articles and a plan's sections
    assert any("/KH-" in p.text or "/NĐ-CP" in p.text for p in corpus.passages)  # document numbers
    lengths = sorted(len(passage.text) for passage in corpus.passages)
    assert lengths[len(lengths) // 2] > 300
    assert {document.source.doc_type for document in corpus.documents} >= {"plan"}


def test_synthetic_folder_is_the_same_for_the_same_seed_and_differs_for_another(corpus_dir, tmp_path):
    make_folder(corpus_dir, tmp_path / "a", 60, seed=1)
    make_folder(corpus_dir, tmp_path / "b", 60, seed=1)
    make_folder(corpus_dir, tmp_path / "c", 60, seed=2)
    read = lambda folder: {path.name: path.read_text(encoding="utf-8") for path in folder.iterdir()}
    assert read(tmp_path / "a") == read(tmp_path / "b")
    assert read(tmp_path / "a") != read(tmp_path / "c")


def test_percentile_of_timings():
    assert percentile([1.0, 2.0, 3.0, 4.0, 100.0], 50) == 3.0
    assert percentile([], 95) == 0.0


def test_bench_builds_loads_and_times_a_small_corpus_in_one_table(corpus_dir, tmp_path, capsys):
    questions = tmp_path / "questions.txt"
    questions.write_text("Bình đẳng giới là gì?\nKế hoạch thực hiện công tác bình đẳng giới năm nào?\n", encoding="utf-8")
    figures = tmp_path / "bench.json"
    code = main(["--sizes", "40,80", "--no-dense", "--seed-corpus", str(corpus_dir), "--questions", str(questions),
                 "--workdir", str(tmp_path / "work"), "--json", str(figures)])
    assert code == 0
    table = capsys.readouterr().out
    assert table.splitlines()[0] == "| | 40 | 80 |"
    for label in ("build s (peak MiB)", "with its worker processes", "unchanged rebuild s", "one document edited",
                  "load s", "lexical p50 / p95 ms", "BM25 top-10, ours"):
        assert label in table
    results = json.loads(figures.read_text(encoding="utf-8"))
    assert 30 <= results[0]["build"]["passages"] <= 40 < results[1]["build"]["passages"] <= 80
    for result in results:
        assert result["build"]["peak_mib"] > 0 and result["disk_mib"] > 0
        assert result["query"]["modes"]["lexical"]["p95_ms"] >= result["query"]["modes"]["lexical"]["p50_ms"] > 0
        assert result["query"]["bm25"]["ours"]["p50_ms"] > 0
        assert result["rebuild"]["seconds"] < result["build"]["seconds"]  # nothing changed: terms reused
        assert result["build"]["tree_peak_mib"] > 0
        edited = result["edited"]["timings"]
        assert 0 < edited["texts_analysed"] < result["build"]["timings"]["texts_analysed"]  # only the edited document's texts
    docs = tmp_path / "work" / "docs-40"
    assert ingest_folder(docs).documents and "Bổ sung:" not in "".join(p.read_text(encoding="utf-8") for p in docs.glob("*.txt"))
