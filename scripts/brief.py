"""`binhdang brief TOPIC --out FILE`: a trainers' handout on a topic, quoted and cited from the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from brief.compose import SEARCH_DEPTH, NothingFound, compose_brief
from brief.document import write_brief
from scripts import messages

NOTHING_FOUND = messages.BRIEF_NOTHING_FOUND
WRITTEN = messages.BRIEF_WRITTEN
CANNOT_WRITE = messages.BRIEF_CANNOT_WRITE
INDEX_PROBLEM = messages.BRIEF_INDEX_PROBLEM


def configure_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `brief` command to the CLI's subcommands."""
    parser = subparsers.add_parser("brief", help=messages.HELP["brief"])
    parser.add_argument("topic", nargs="+", metavar="CHỦ_ĐỀ", help=messages.HELP["brief topic"])
    parser.add_argument("--out", type=Path, required=True, help=messages.HELP["brief out"])
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
    try:
        path = write_brief(brief, args.out)
    except (OSError, ValueError) as error:
        print(CANNOT_WRITE.format(path=args.out, error=error), file=sys.stderr)
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
