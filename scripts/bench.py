"""`binhdang bench`: how build, load and search scale with the number of passages.

For each size N: a synthetic documents folder of N passages is made from the seed corpus
(scripts/synthetic.py), built with the real `build_index` (a full build, an unchanged rebuild,
and a rebuild after one document is edited), loaded in a fresh process, and asked a fixed set
of questions in every mode the index has. In the same process, on the same passages and the same `words` terms, plain BM25
top-10 is timed for our LexicalIndex, bm25s and rank-bm25 (the optional `[bench]` extras;
skipped with a note when missing). Each phase runs in its own process, so peak memory and
load time are that phase's own.

    python -m scripts.bench --sizes 1000,10000 --no-dense
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

TOP_K = 10
DEFAULT_QUESTIONS = Path("../shared/eval/dev.jsonl")
DEFAULT_SEED = Path("../shared/corpus")
RANK_BM25_MAX_QUESTIONS = 10  # rank-bm25 scores every passage in Python: a few questions tell its speed


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) of some timings; 0 for none."""
    return float(np.percentile(values, q)) if values else 0.0


def peak_rss_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def directory_mib(path: Path, exclude: str | None = None) -> float:
    """Size of the files under a directory, in MiB, leaving out one subdirectory."""
    total = 0
    for item in path.rglob("*"):
        if item.is_file() and not (exclude and exclude in item.relative_to(path).parts):
            total += item.stat().st_size
    return total / (1 << 20)


def read_questions(path: Path) -> list[str]:
    """Questions of a gold file (`question` field of each line), or one question a line of a text file."""
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        questions.append(json.loads(line)["question"] if line.lstrip().startswith("{") else line.strip())
    return questions


class RandomPassageVectors:
    """An encoder that embeds questions for real but gives passages random unit vectors.

    Search latency does not depend on the vectors' values, embedding 100,000 passages takes
    hours: `--random-vectors` measures dense and fused latency without them (never quality).
    """

    def __init__(self, encoder, seed: int = 0) -> None:
        self.encoder = encoder
        self.name = encoder.name
        self.dim = encoder.dim
        self.window_tokens = encoder.window_tokens
        self.rng = np.random.default_rng(seed)

    def encode_queries(self, texts):
        return self.encoder.encode_queries(texts)

    def encode_passages(self, texts, show_progress: bool = False) -> np.ndarray:
        vectors = self.rng.standard_normal((len(texts), self.dim)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


# -- phases, each run in a fresh process ------------------------------------------------------


def phase_build(docs: str, index: str, full: bool, dense: str) -> dict:
    """Build (full, or reusing the live build) and report time, peak memory and timings."""
    from index.build import build_index

    encoder = None
    if dense != "off":
        from index.dense import Encoder
        from index.embedding_model import default_model_dir

        encoder = Encoder.from_dir(default_model_dir())
        if dense == "random":
            encoder = RandomPassageVectors(encoder)
    from scripts.process_memory import PeakTreeMemory

    baseline = peak_rss_mib()
    started = time.perf_counter()
    with PeakTreeMemory() as tree:
        report = build_index(Path(docs), Path(index), full=full, encoder=encoder)
    return {
        "seconds": time.perf_counter() - started,
        # The build and its worker processes together, shared pages counted once (PSS, sampled every 0.5 s).
        "tree_peak_mib": tree.peak_mib,
        "peak_mib": peak_rss_mib(),
        "peak_before_mib": baseline,
        # The analysis worker processes (forked, sharing the parent's pages until written): the largest one's peak.
        "worker_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "passages": report.passages,
        "documents": report.documents,
        "timings": report.timings,
    }


def phase_query(index: str, questions_file: str, launched_at: float) -> dict:
    """Load, answer the first question, then time every question in every mode and the BM25 libraries."""
    from index.searcher import open_index

    started = time.perf_counter()
    searcher = open_index(Path(index))
    load_s = time.perf_counter() - started
    questions = read_questions(Path(questions_file))
    searcher.search(questions[0], k=5)
    first_answer_s = time.time() - launched_at
    out: dict = {"load_s": load_s, "first_answer_s": first_answer_s, "modes": {}}
    for mode in searcher.modes:
        latencies = []
        for question in questions:
            result = searcher.search(question, k=5, mode=mode)
            latencies.append(result.latency_ms)
        out["modes"][mode] = {"p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95)}
    out["bm25"] = compare_bm25(searcher, questions)
    out["peak_mib"] = peak_rss_mib()
    return out


def _timed(function, queries) -> dict:
    latencies = []
    for query in queries:
        started = time.perf_counter()
        function(query)
        latencies.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95), "questions": len(queries)}


def bag_of_terms(field) -> list[list[str]]:
    """Each passage's terms, each repeated as often as it occurs, from a field's stored counts
    (the same bag of words BM25 sees; the order of terms does not matter to it)."""
    from index.lexical import terms_by_column

    terms = terms_by_column(field.vocabulary)
    counts = field.counts.tocsr()
    return [
        [terms[column] for column, count in zip(counts.indices[start:end].tolist(), counts.data[start:end].tolist()) for _ in range(count)]
        for start, end in zip(counts.indptr[:-1].tolist(), counts.indptr[1:].tolist())
    ]


def compare_bm25(searcher, questions: list[str]) -> dict:
    """Plain BM25 top-10 over the `words` field: ours, bm25s, rank-bm25, same terms."""
    from index.lexical import top_k
    from index.tokenise import analyse

    corpus = bag_of_terms(searcher.lexical["words"])
    queries = [list(analyse(question).words) for question in questions]
    queries = [query for query in queries if query]
    ours = searcher.lexical["words"]

    def our_top(query):
        return top_k(ours.scores(query), TOP_K)

    results: dict = {"ours": _timed(our_top, queries)}
    try:
        import bm25s
    except ImportError:
        results["bm25s"] = {"missing": "pip install 'binhdang[bench]'"}
    else:
        retriever = bm25s.BM25(k1=1.2, b=0.75, method="lucene")
        started = time.perf_counter()
        retriever.index(corpus, show_progress=False)
        index_s = time.perf_counter() - started
        results["bm25s"] = _timed(lambda q: retriever.retrieve([q], k=min(TOP_K, len(corpus)), show_progress=False), queries)
        results["bm25s"]["index_s"] = index_s
    try:
        from rank_bm25 import BM25Okapi
    except ImportError:
        results["rank_bm25"] = {"missing": "pip install 'binhdang[bench]'"}
    else:
        started = time.perf_counter()
        okapi = BM25Okapi(corpus, k1=1.2, b=0.75)
        index_s = time.perf_counter() - started

        def okapi_top(query):
            scores = okapi.get_scores(query)
            return np.argsort(-scores, kind="stable")[:TOP_K]

        results["rank_bm25"] = _timed(okapi_top, queries[:RANK_BM25_MAX_QUESTIONS])
        results["rank_bm25"]["index_s"] = index_s
    return results


def run_phase(name: str, **arguments) -> dict:
    """Run one phase in a fresh Python process; its last output line is the JSON result."""
    arguments = dict(arguments, launched_at=time.time()) if name == "query" else arguments
    command = [sys.executable, "-m", "scripts.bench", "--phase", name, "--phase-args", json.dumps(arguments)]
    completed = subprocess.run(command, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    if completed.returncode != 0:
        raise RuntimeError(f"phase {name} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


# -- one size, and the sweep ------------------------------------------------------------------


def rebuild_after_an_edit(docs: Path, index: Path, dense: str) -> dict:
    """Rebuild after one sentence is added to one document (what an admin does most): the rest
    is taken from the live build. The document is put back as it was afterwards."""
    document = sorted(docs.glob("*.txt"))[0]
    original = document.read_bytes()
    try:
        document.write_bytes(original + "\nBổ sung: đơn vị báo cáo kết quả thực hiện trước ngày 15/12 hằng năm.\n".encode())
        return run_phase("build", docs=str(docs), index=str(index), full=False, dense=dense)
    finally:
        document.write_bytes(original)


def bench_size(size: int, workdir: Path, seed_dir: Path, questions: Path, dense: str, log) -> dict:
    """Make (or reuse) the synthetic folder of `size` passages, build, rebuild, load and query it."""
    from scripts.synthetic import make_folder

    docs = workdir / f"docs-{size}"
    if not (docs / "manifest.json").is_file():
        shutil.rmtree(docs, ignore_errors=True)
        started = time.perf_counter()
        made = make_folder(seed_dir, docs, size)
        log(f"[{size}] synthetic folder: {made} passages in {time.perf_counter() - started:.1f} s")
    index = workdir / f"index-{size}-{dense}"
    shutil.rmtree(index, ignore_errors=True)
    build = run_phase("build", docs=str(docs), index=str(index), full=True, dense=dense)
    log(f"[{size}] build {build['seconds']:.1f} s, peak {build['peak_mib']:.0f} MiB, {build['timings']}")
    rebuild = run_phase("build", docs=str(docs), index=str(index), full=False, dense=dense)
    log(f"[{size}] unchanged rebuild {rebuild['seconds']:.1f} s")
    edited = rebuild_after_an_edit(docs, index, dense)
    log(f"[{size}] one document edited: rebuild {edited['seconds']:.1f} s, {edited['timings']}")
    live = (index / "current").resolve()
    query = run_phase("query", index=str(index), questions_file=str(questions))
    log(f"[{size}] load {query['load_s']:.2f} s, first answer {query['first_answer_s']:.2f} s")
    return {
        "size": size,
        "dense": dense,
        "build": build,
        "rebuild": rebuild,
        "edited": edited,
        "disk_mib": directory_mib(live, exclude="dense"),
        "dense_disk_mib": directory_mib(live / "dense") if (live / "dense").is_dir() else 0.0,
        "query": query,
    }


def _cell(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:.1f}{unit}" if value < 100 else f"{value:.0f}{unit}"


def format_table(results: list[dict]) -> str:
    """One Markdown table: a column per size, a row per figure."""
    header = "| | " + " | ".join(f"{r['size']:,}" for r in results) + " |"
    rows = [header, "|---|" + "---|" * len(results)]

    def row(label: str, cells) -> None:
        rows.append(f"| {label} | " + " | ".join(cells) + " |")

    row("passages (documents)", [f"{r['build']['passages']:,} ({r['build']['documents']})" for r in results])
    row("vectors", [r["dense"] if r["dense"] != "off" else "none" for r in results])
    row("build s (peak MiB)", [f"{_cell(r['build']['seconds'])} ({r['build']['peak_mib']:.0f})" for r in results])
    row("… with its worker processes, peak MiB (PSS)", [_cell(r["build"].get("tree_peak_mib")) for r in results])
    row("… largest worker process's peak MiB", [_cell(r["build"].get("worker_peak_mib")) for r in results])
    row("… of which tokenise s", [_cell(r["build"]["timings"].get("tokenise_s")) for r in results])
    row("unchanged rebuild s", [_cell(r["rebuild"]["seconds"]) for r in results])
    row("one document edited: rebuild s", [_cell(r["edited"]["seconds"]) if "edited" in r else "–" for r in results])
    row("index on disk MiB (+ vectors)", [f"{_cell(r['disk_mib'])} (+{_cell(r['dense_disk_mib'])})" for r in results])
    row("index on disk MB, without vectors", [_cell(r["disk_mib"] * 1.048576) for r in results])
    row("load s", [f"{r['query']['load_s']:.2f}" for r in results])
    row("start → first answer s", [f"{r['query']['first_answer_s']:.2f}" for r in results])
    for mode in ("lexical", "dense", "fused"):
        row(f"{mode} p50 / p95 ms", [
            f"{r['query']['modes'][mode]['p50_ms']:.1f} / {r['query']['modes'][mode]['p95_ms']:.1f}"
            if mode in r["query"]["modes"] else "–"
            for r in results
        ])
    for name, label in (("ours", "BM25 top-10, ours"), ("bm25s", "BM25 top-10, bm25s"), ("rank_bm25", "BM25 top-10, rank-bm25")):
        cells = []
        for r in results:
            figures = r["query"]["bm25"].get(name, {})
            cells.append("not installed" if "missing" in figures else f"{figures['p50_ms']:.2f} / {figures['p95_ms']:.2f}")
        row(f"{label} p50 / p95 ms", cells)
    ratios = []
    for r in results:
        bm25 = r["query"]["bm25"]
        ours = bm25["ours"]["p50_ms"]
        parts = [f"{name} {bm25[name]['p50_ms'] / ours:.1f}×" for name in ("bm25s", "rank_bm25") if "p50_ms" in bm25.get(name, {})]
        ratios.append(", ".join(parts) or "–")
    row("their p50 ÷ ours", ratios)
    return "\n".join(rows)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="binhdang bench", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The bench's options (shared by `python -m scripts.bench` and `binhdang bench`)."""
    from scripts import messages

    parser.add_argument("--sizes", default="1000", help=messages.HELP["bench sizes"])
    parser.add_argument("--seed-corpus", type=Path, default=DEFAULT_SEED, help=messages.HELP["bench seed corpus"])
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help=messages.HELP["bench questions"])
    parser.add_argument("--workdir", type=Path, default=None, help=messages.HELP["bench workdir"])
    parser.add_argument("--no-dense", action="store_true", help=messages.HELP["bench no-dense"])
    parser.add_argument("--random-vectors", action="store_true", help=messages.HELP["bench random vectors"])
    parser.add_argument("--json", type=Path, default=None, help=messages.HELP["bench json"])
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--phase-args", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Run the sweep and print one table."""
    if args.phase:
        phases = {"build": phase_build, "query": phase_query}
        print(json.dumps(phases[args.phase](**json.loads(args.phase_args))))
        return 0
    sizes = [int(size.replace("_", "")) for size in args.sizes.split(",") if size.strip()]
    if args.workdir is None:
        from platformdirs import user_cache_dir

        args.workdir = Path(user_cache_dir("binhdang")) / "bench"
    args.workdir.mkdir(parents=True, exist_ok=True)
    dense = "off" if args.no_dense else ("random" if args.random_vectors else "model")

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    results = [bench_size(size, args.workdir, args.seed_corpus, args.questions, dense, log) for size in sizes]
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(format_table(results))
    return 0


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
