"""`binhdang brief TOPIC --out FILE`: a trainers' handout on a topic, quoted and cited from the knowledge base."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from brief.compose import SEARCH_DEPTH, NothingFound, compose_brief
from brief.document import write_brief

NOTHING_FOUND = "{reason} Chưa tạo tài liệu. Hãy thử một chủ đề khác (ví dụ: «bạo lực trên cơ sở giới», «lao động nữ»)."
WRITTEN = "Đã tạo tài liệu «{title}»: {path} ({sections} phần, {figures} số liệu, {questions} câu hỏi trắc nghiệm, {sources} văn bản nguồn)."
CANNOT_WRITE = "Không ghi được tệp {path}: {error}"
INDEX_PROBLEM = "Không mở được chỉ mục: {error}"


def configure_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `brief` command to the CLI's subcommands."""
    parser = subparsers.add_parser(
        "brief",
        help="a trainers' handout on a topic (.docx or .md): quotations grouped by kind of source, figures, review questions",
    )
    parser.add_argument("topic", nargs="+", help="the topic, e.g. \"bạo lực trên cơ sở giới\"")
    parser.add_argument("--out", type=Path, required=True, help="output file: .docx (Word) or .md (Markdown)")
    parser.add_argument("--index", type=Path, default=None, help="index directory (default: $BINHDANG_INDEX or the user data dir)")
    parser.add_argument("-k", type=int, default=SEARCH_DEPTH, help=f"how many passages to consider (default {SEARCH_DEPTH})")
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
