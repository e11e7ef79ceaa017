"""`binhdang`: build the index, ask it, evaluate it, run the bot. `binhdang --help` is the manual."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from index.errors import EmptyQuestion, IndexError_
from index.types import SearchResult
from knowledge.errors import DocumentsFolderError
from scripts import messages

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


def format_result(result: SearchResult, debug: bool = False) -> str:
    """A readable answer for the terminal: each passage under its citation and its document's
    standing and currency note. Ranking scores only with `debug`: readers must not take a score
    for a legal "điểm"."""
    from bot.messages import standing_text
    from knowledge.dates import format_date

    if result.abstained:
        return messages.NOT_FOUND
    blocks = []
    for rank, hit in enumerate(result.hits, start=1):
        head = messages.HIT.format(rank=rank, citation=hit.passage.citation)
        if debug:
            head += messages.HIT_SCORE.format(score=hit.score)
        source = hit.source
        notes = [f"⚖️ {line}" for line in [standing_text(source.status, format_date(source.effective))] if line]
        notes += [f"⚠️ {source.note}"] if source.note else []
        blocks.append("\n".join([head, *notes, hit.passage.text]))
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
    from index.normalise import has_words

    if args.question and not has_words(" ".join(args.question)):
        print(messages.EMPTY_QUESTION, file=sys.stderr)  # before the index loads: nothing to search for
        return EXIT_USAGE
    searcher = _open(args)
    asked = empty = 0
    for question in _questions(args):
        asked += 1
        try:
            result = searcher.search(question, k=args.k, mode=args.mode)
        except EmptyQuestion:
            empty += 1
            if args.json:  # one line per question, as the contract says
                print(json.dumps({"question": question, "abstained": True, "passages": [], "latency_ms": 0.0}, ensure_ascii=False))
            print(messages.EMPTY_QUESTION, file=sys.stderr)
            continue
        if args.json:
            print(json.dumps(result_to_json(result), ensure_ascii=False), flush=True)
        else:
            print(format_result(result, debug=args.debug))
            print(flush=True)
    if not asked:
        print(messages.NO_QUESTION_ON_STDIN, file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE if empty else 0


def _document_limit(args: argparse.Namespace) -> int:
    if not args.max_doc_mb > 0:
        raise ValueError(messages.BAD_DOCUMENT_LIMIT.format(value=args.max_doc_mb))
    return int(args.max_doc_mb * 1024 * 1024)


def cmd_index_build(args: argparse.Namespace) -> int:
    from index import store
    from index.build import build_index
    from knowledge.ingest import list_document_files

    max_document_bytes = _document_limit(args)
    list_document_files(args.docs)  # a wrong folder is reported before the model loads
    store.check_writable(args.index)  # and so is an index directory that cannot be written
    encoder = None
    if not args.no_dense:
        from index.dense import Encoder
        from index.embedding_model import install_model, is_installed

        if not args.model.exists() or (args.model == default_model_dir() and not is_installed(args.model)):
            print(messages.MODEL_INSTALLING.format(path=args.model), file=sys.stderr)
            install_model(args.model)
        encoder = Encoder.from_dir(args.model)
    report = build_index(
        args.docs, args.index, progress=not args.quiet, full=args.full, encoder=encoder,
        max_document_bytes=max_document_bytes,
    )
    print(messages.BUILT.format(path=report.build_dir))
    print(messages.BUILT_COUNTS.format(documents=report.documents, passages=report.passages, seconds=report.seconds))
    for name, value in report.timings.items():
        print(messages.TIMINGS.get(name, "  " + name + ": {value}").format(value=value))
    for kind, ids in report.changes.items():
        if ids:
            print(messages.CHANGES[kind].format(count=len(ids), ids=messages.id_list(ids)))
    if report.encodings:
        print(messages.ENCODINGS.format(count=len(report.encodings)))
        for file, label in report.encodings.items():
            print(messages.ENCODING.format(file=file, label=label))
    for warning in report.warnings:
        print(messages.WARNING.format(message=warning))
    if report.skipped:
        print(messages.SKIPPED.format(count=len(report.skipped)))
        for skipped in report.skipped:
            print(messages.SKIPPED_FILE.format(file=skipped.file, reason=skipped.reason))
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
        print(messages.NOT_PUBLISHED.format(error=error), file=sys.stderr)
        return EXIT_USAGE
    try:
        storage.publish_build(build_id, by=f"index build on {socket.gethostname()}")
    finally:
        storage.close()
    print(messages.PUBLISHED.format(build=build_id, database=redact_url(database)))
    return 0


def cmd_index_status(args: argparse.Namespace) -> int:
    from index import store
    from knowledge.ingest import content_hash, list_document_files, relative_name

    build_dir, manifest, warnings = store.locate(args.index)
    for warning in warnings:
        print(messages.STATUS_FALLBACK.format(warning=warning, build=build_dir.name))
    dense = manifest.get("dense") or {}
    print(messages.STATUS_INDEX.format(path=build_dir))
    print(messages.STATUS_BUILT.format(built_at=manifest.get("built_at"), documents=manifest.get("documents"), passages=manifest.get("passages")))
    print(messages.STATUS_MODEL.format(model=dense.get("model", messages.STATUS_NO_MODEL), tokeniser=manifest.get("tokeniser")))
    print(messages.STATUS_HASH.format(hash=manifest.get("corpus_hash")))
    docs_dir = args.docs or Path(manifest.get("docs_dir", ""))
    if not docs_dir.is_dir():
        print(messages.STATUS_NO_DOCS.format(path=docs_dir))
        return 0
    files = manifest.get("document_files", {})
    indexed = {files[i]: h for i, h in manifest.get("document_hashes", {}).items() if i in files}
    present = {relative_name(path, docs_dir): content_hash(path.read_bytes()) for path in list_document_files(docs_dir)}
    changes = {
        "added": sorted(set(present) - set(indexed)),
        "changed": sorted(name for name in present if name in indexed and present[name] != indexed[name]),
        "removed": sorted(set(indexed) - set(present)),
    }
    if not any(changes.values()):
        print(messages.STATUS_UNCHANGED.format(path=docs_dir))
        return 0
    print(messages.STATUS_CHANGED.format(path=docs_dir))
    for kind, names in changes.items():
        for name in names:
            print(messages.STATUS_CHANGE[kind].format(name=name))
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


def add_negatives_options(parser: argparse.ArgumentParser) -> None:
    from scripts.crossval import NEGATIVES_FILE

    parser.add_argument("--negatives", type=Path, default=NEGATIVES_FILE, metavar="FILE", help=messages.HELP["negatives"])
    parser.add_argument("--no-negatives", action="store_true", help=messages.HELP["no negatives"])


def _negatives(searcher, args: argparse.Namespace, mode: str) -> list:
    """The written out-of-scope questions of `--negatives`, gathered for fitting (none with --no-negatives)."""
    from scripts import crossval

    if args.no_negatives:
        return []
    return crossval.collect(searcher, crossval.read_negatives(args.negatives), mode)


def _print_cross_validation(searcher, gold, modes: list[str], args: argparse.Namespace) -> int:
    """`eval --cv K`: the cross-validated figures of each fitted mode, beside the in-sample ones."""
    from scripts import crossval
    from scripts.evaluate import format_report

    payload = {}
    for mode in modes:
        items = crossval.collect(searcher, gold, mode)
        negatives = _negatives(searcher, args, mode)
        cv, ranking_only = crossval.cross_validate(items, args.cv, c=args.c, seed=args.seed, negatives=negatives)
        fitted = crossval.fit_ranker(items, c=args.c, seed=args.seed, negatives=negatives)
        sample = crossval.in_sample(items, fitted)
        payload[mode] = {
            "cross_validated": cv.summary(),
            "in_sample": sample.summary(),
            "ranking_only_cross_validated": ranking_only.summary(),
            "candidate_recall": round(crossval.candidate_recall(items), 3),
        }
        if not args.json:
            print(messages.CV_TITLE.format(mode=mode, folds=args.cv, seed=args.seed, train=args.cv - 1))
            print(format_report(cv, label=messages.CV_LABEL.format(mode=mode)))
            print()
            for report, label in ((sample, messages.CV_IN_SAMPLE), (ranking_only, messages.CV_RANKING_ONLY)):
                print(format_report(report, label=label.format(mode=mode)).split("\n\n")[0].splitlines()[-1])
            print(messages.CV_CANDIDATE_RECALL.format(share=payload[mode]["candidate_recall"]))
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
        negatives = _negatives(searcher, args, mode)
        cv = crossval.cross_validate(items, args.cv, c=args.c, seed=args.seed, negatives=negatives)[0].summary()
        ranker = crossval.fit_ranker(items, c=args.c, seed=args.seed, negatives=negatives)
        ranker.info.update(
            {
                "fit_on": f"{args.gold.name} ({len(gold)} questions, sha256 {crossval.data_hash(args.gold)})",
                "negatives": (
                    "none"
                    if args.no_negatives
                    else f"{args.negatives.name} ({len(negatives)} questions, sha256 {crossval.data_hash(args.negatives)})"
                ),
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
            messages.RANKER_FITTED.format(
                mode=mode, path=out, threshold=ranker.threshold, hit1=cv["hit@1"], hit5=cv["hit@5"],
                mrr=cv["mrr@10"], oos=cv["out_of_scope_declined"], declined=cv["in_scope_declined"],
            )
        )
    return 0


def cmd_model_install(args: argparse.Namespace) -> int:
    import time

    from index.embedding_model import MIN_COSINE, install_model, verify_model
    from index.onnx_encoder import (DEFAULT_PRECISION, MIN_COSINE_INT8, MIN_COSINE_VS_TORCH, int8_record,
                                    is_int8_exported, onnx_record)

    started = time.perf_counter()
    out = install_model(args.out or default_model_dir(), force=args.force)
    cosine = verify_model(out)
    print(messages.MODEL_READY.format(path=out))
    print(messages.MODEL_CHECKED.format(cosine=cosine, threshold=MIN_COSINE, seconds=time.perf_counter() - started))
    onnx = onnx_record(out)
    if onnx:
        print(messages.MODEL_ONNX.format(cosine=onnx["min_cosine_vs_torch"], threshold=MIN_COSINE_VS_TORCH))
        if is_int8_exported(out):
            print(messages.MODEL_INT8.format(cosine=int8_record(out)["min_cosine_vs_float32"], threshold=MIN_COSINE_INT8,
                                             default=messages.MODEL_INT8_DEFAULT if DEFAULT_PRECISION == "int8" else ""))
        elif DEFAULT_PRECISION == "int8":
            print(messages.MODEL_NO_INT8)
    else:
        print(messages.MODEL_NO_ONNX)
    return 0


class VietnameseArgumentParser(argparse.ArgumentParser):
    """argparse speaking Vietnamese: its usage line, group titles, -h and its errors (subcommands inherit it)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = messages.POSITIONALS_TITLE
        self._optionals.title = messages.OPTIONALS_TITLE
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=messages.HELP["help"])

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", messages.USAGE_PREFIX, 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage: ", messages.USAGE_PREFIX, 1)

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, messages.ARGPARSE_ERROR.format(message=messages.argparse_message(message), prog=self.prog) + "\n")


def cmd_bench(args: argparse.Namespace) -> int:
    from scripts.bench import run

    return run(args)


def build_parser() -> argparse.ArgumentParser:
    from knowledge.loaders import MAX_DOCUMENT_BYTES

    parser = VietnameseArgumentParser(prog="binhdang", description=messages.DESCRIPTION)
    sub = parser.add_subparsers(dest="command", required=True)

    def add_index_option(p: argparse.ArgumentParser) -> None:
        p.add_argument("--index", type=Path, default=None, help=messages.HELP["index dir"])
        p.add_argument("--model", type=Path, default=None, help=messages.HELP["model dir"])

    index = sub.add_parser("index", help=messages.HELP["index"])
    index_sub = index.add_subparsers(dest="index_command", required=True)
    build = index_sub.add_parser("build", help=messages.HELP["index build"])
    build.add_argument("--docs", type=Path, required=True, help=messages.HELP["docs"])
    add_index_option(build)
    build.add_argument("--full", action="store_true", help=messages.HELP["full"])
    build.add_argument("--no-dense", action="store_true", help=messages.HELP["no-dense"])
    build.add_argument("--quiet", action="store_true", help=messages.HELP["quiet"])
    build.add_argument("--database", default=None, help=messages.HELP["build database"])
    default_mb = MAX_DOCUMENT_BYTES / 1024 / 1024
    build.add_argument("--max-doc-mb", type=float, default=default_mb, metavar="N",
                       help=messages.HELP["max-doc-mb"].format(default=default_mb))
    build.set_defaults(handler=cmd_index_build)
    status = index_sub.add_parser("status", help=messages.HELP["index status"])
    add_index_option(status)
    status.add_argument("--docs", type=Path, default=None, help=messages.HELP["status docs"])
    status.set_defaults(handler=cmd_index_status)

    ask = sub.add_parser("ask", help=messages.HELP["ask"])
    ask.add_argument("question", nargs="*", metavar="CÂU_HỎI", help=messages.HELP["question"])
    add_index_option(ask)
    ask.add_argument("-k", type=int, default=5, help=messages.HELP["k"])
    ask.add_argument("--json", action="store_true", help=messages.HELP["json"])
    ask.add_argument("--debug", action="store_true", help=messages.HELP["debug"])
    ask.add_argument("--mode", choices=["fused", "lexical", "dense"], default=None, help=messages.HELP["mode"])
    ask.set_defaults(handler=cmd_ask)

    evaluate = sub.add_parser("eval", help=messages.HELP["eval"])
    evaluate.add_argument("--gold", type=Path, required=True, help=messages.HELP["gold"])
    add_index_option(evaluate)
    evaluate.add_argument("--json", action="store_true", help=messages.HELP["eval json"])
    evaluate.add_argument("--mode", choices=["fused", "lexical", "dense", "all"], default=None, help=messages.HELP["eval mode"])
    evaluate.add_argument("--cv", type=int, default=0, metavar="K", help=messages.HELP["eval cv"])
    evaluate.add_argument("--seed", type=int, default=13, help=messages.HELP["eval seed"])
    evaluate.add_argument("--c", type=float, default=1.0, help=messages.HELP["eval c"])
    add_negatives_options(evaluate)
    evaluate.set_defaults(handler=cmd_eval)

    ranker = sub.add_parser("ranker", help=messages.HELP["ranker"])
    ranker_sub = ranker.add_subparsers(dest="ranker_command", required=True)
    ranker_fit = ranker_sub.add_parser("fit", help=messages.HELP["ranker fit"])
    ranker_fit.add_argument("--gold", type=Path, required=True, help=messages.HELP["gold"])
    add_index_option(ranker_fit)
    ranker_fit.add_argument("--mode", choices=["fused", "lexical", "all"], default="all", help=messages.HELP["ranker mode"])
    ranker_fit.add_argument("--cv", type=int, default=5, metavar="K", help=messages.HELP["ranker cv"])
    ranker_fit.add_argument("--seed", type=int, default=13, help=messages.HELP["ranker seed"])
    ranker_fit.add_argument("--c", type=float, default=1.0, help=messages.HELP["ranker c"])
    ranker_fit.add_argument("--out", type=Path, default=None, help=messages.HELP["ranker out"])
    add_negatives_options(ranker_fit)
    ranker_fit.set_defaults(handler=cmd_ranker_fit)

    model = sub.add_parser("model", help=messages.HELP["model"])
    model_sub = model.add_subparsers(dest="model_command", required=True)
    install = model_sub.add_parser("install", help=messages.HELP["model install"])
    install.add_argument("--out", type=Path, default=None, help=messages.HELP["out"])
    install.add_argument("--force", action="store_true", help=messages.HELP["force"])
    install.set_defaults(handler=cmd_model_install)

    bench = sub.add_parser("bench", help=messages.HELP["bench"])
    from scripts.bench import add_arguments as add_bench_arguments

    add_bench_arguments(bench)
    bench.set_defaults(handler=cmd_bench)

    from bot.command import configure_parser as configure_bot_parser
    from scripts import brief, db, docs_check

    brief.configure_parser(sub)
    db.configure_parser(sub)
    docs_check.configure_parser(sub)
    # The bot checks documents admins send it as `docs check` does; bot/ may not import scripts/,
    # so the check is handed to it here.
    configure_bot_parser(sub).set_defaults(check_documents=docs_check.check_folder)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "index", None) is None and "index" in vars(args):
        args.index = default_index_dir()
    if getattr(args, "model", None) is None and "model" in vars(args):
        args.model = default_model_dir()
    try:
        status = args.handler(args)
        sys.stdout.flush()  # a closed pipe shows here for output still buffered
        return status
    except BrokenPipeError:
        return _stdout_closed()
    except (IndexError_, DocumentsFolderError, ValueError) as error:
        print(messages.ERROR.format(message=error), file=sys.stderr)
        return EXIT_USAGE
    except FileNotFoundError as error:
        print(messages.FILE_NOT_FOUND.format(path=error.filename), file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # permissions, a full disk: one line, not a traceback
        where = f" ({error.filename})" if error.filename else ""
        print(messages.ERROR.format(message=f"{error.strerror or error}{where}"), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(messages.INTERRUPTED, file=sys.stderr)
        return 130


def _stdout_closed() -> int:
    """The reader went away (`binhdang ask … | head -1`): stop quietly, as Unix tools do.

    stdout is pointed at /dev/null so that Python's own flush at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + 13  # the status of a process ended by SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
