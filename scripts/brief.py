"""`binhdang brief TOPIC --out FILE [--out FILE …]`: a trainers' handout (A4 DOCX, PDF, Markdown) or a slide
deck (PPTX) on a topic, quoted and cited from the knowledge base; `--quiz-only` prints just the quiz."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from brief.compose import SEARCH_DEPTH, NothingFound, compose_brief
from brief.document import OfficeMissing, render_quiz_only, write_brief
from scripts import messages

NOTHING_FOUND = messages.BRIEF_NOTHING_FOUND
WRITTEN = messages.BRIEF_WRITTEN
CANNOT_WRITE = messages.BRIEF_CANNOT_WRITE
NO_OUTPUT = messages.BRIEF_NO_OUTPUT
INDEX_PROBLEM = messages.BRIEF_INDEX_PROBLEM


def configure_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `brief` command to the CLI's subcommands."""
    parser = subparsers.add_parser("brief", help=messages.HELP["brief"], description=messages.HELP["brief description"])
    parser.add_argument("topic", nargs="+", metavar="CHỦ_ĐỀ", help=messages.HELP["brief topic"])
    parser.add_argument("--out", type=Path, action="append", default=[], help=messages.HELP["brief out"])
    parser.add_argument("--quiz-only", action="store_true", help=messages.HELP["brief quiz only"])
    parser.add_argument("--index", type=Path, default=None, help=messages.HELP["index dir"])
    parser.add_argument("-k", type=int, default=SEARCH_DEPTH, help=messages.HELP["brief k"].format(default=SEARCH_DEPTH))
    parser.set_defaults(handler=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Compose the brief and write it; 1 with a Vietnamese message when there is nothing to write."""
    from index.errors import IndexError_
    from index.searcher import open_index

    index_dir = args.index
    if index_dir is None:
        from scripts.cli import default_index_dir

        index_dir = default_index_dir()
    topic = " ".join(args.topic)
    if not args.out and not args.quiz_only:
        print(NO_OUTPUT, file=sys.stderr)
        return 1
    try:
        searcher = open_index(index_dir)
    except IndexError_ as error:
        print(INDEX_PROBLEM.format(error=error), file=sys.stderr)
        return 1
    try:
        brief = compose_brief(searcher, topic, k=args.k)
    except NothingFound as error:
        print(NOTHING_FOUND.format(reason=error), file=sys.stderr)
        return 1
    if args.quiz_only:
        print(render_quiz_only(brief), end="")
        return 0
    for out in args.out:
        try:
            path = write_brief(brief, out)
        except (OSError, ValueError, OfficeMissing, subprocess.SubprocessError) as error:
            print(CANNOT_WRITE.format(path=out, error=error), file=sys.stderr)
            return 1
        print(
            WRITTEN.format(
                title=brief.title,
                path=path,
                sections=len(brief.sections),
                figures=len(brief.figures),
                questions=len(brief.quiz),
                sources=len(brief.sources),
            )
        )
    return 0
