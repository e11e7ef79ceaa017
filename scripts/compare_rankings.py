"""Do two (index, model) pairs rank the same? For a runtime or storage change that must not move results.

    python -m scripts.compare_rankings --a /tmp/idx-torch --a-backend torch \\
        --b /tmp/idx-onnx --b-backend onnxruntime [--model DIR] [--gold ../shared/eval/dev.jsonl]

Opens both indexes with their encoders (the same model directory, each on the backend named),
asks every gold question in every mode both serve, and prints per mode how many questions got
the same top 10 (ids, in order), how many the same top 5, and how many the same abstentions;
then the lowest cosine between the two indexes' passage vectors, row by row.

Across a change of the index format, where one code cannot open both indexes, save the rankings
with the old code and compare with the new (the script runs on either):

    git worktree add /tmp/old <old commit> && (cd /tmp/old && PYTHONPATH=. python \\
        /path/to/scripts/compare_rankings.py --a <index built by it> --save /tmp/before.json)
    python -m scripts.compare_rankings --a <index built by the new code> --against /tmp/before.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from index.dense import Encoder
from index.searcher import open_index
from scripts.evaluate import read_gold


def ranked_ids(searcher, question: str, mode: str, k: int = 10) -> tuple[tuple[str, ...], bool]:
    """The top-k passage ids for a question, and whether the searcher abstained."""
    result = searcher.search(question, k=k, mode=mode)
    return tuple(hit.passage.id for hit in result.hits), bool(result.abstained)


def rankings(searcher, questions: list[str], k: int = 10) -> dict:
    """{mode: {question: {"ids", "abstained", "scores"}}} for every mode the searcher serves."""
    out: dict = {}
    for mode in searcher.modes:
        out[mode] = {}
        for question in questions:
            result = searcher.search(question, k=k, mode=mode)
            out[mode][question] = {"ids": [hit.passage.id for hit in result.hits], "abstained": bool(result.abstained),
                                   "scores": [float(hit.score) for hit in result.hits]}
    return out


def compare(a: dict, b: dict) -> list[str]:
    """Per mode both hold: how many questions got the same top 10 (ids in order), top 5,
    abstention, and the very same scores."""
    lines = []
    for mode in a:
        if mode not in b:
            continue
        questions = [q for q in a[mode] if q in b[mode]]
        pairs = [(a[mode][q], b[mode][q]) for q in questions]
        same10 = sum(x["ids"] == y["ids"] for x, y in pairs)
        same5 = sum(x["ids"][:5] == y["ids"][:5] for x, y in pairs)
        abstention = sum(x["abstained"] == y["abstained"] for x, y in pairs)
        scores = sum(x["ids"] == y["ids"] and x["scores"] == y["scores"] for x, y in pairs)
        n = len(pairs)
        lines.append(f"{mode}: same top 10 for {same10}/{n}, same top 5 for {same5}/{n}, "
                     f"same abstention for {abstention}/{n}, same top 10 with the same scores for {scores}/{n}")
    return lines


def main(argv: list[str] | None = None) -> int:
    from index.embedding_model import default_model_dir

    parser = argparse.ArgumentParser(prog="python -m scripts.compare_rankings", description=__doc__.split("\n")[0])
    parser.add_argument("--a", type=Path, required=True, help="first index directory")
    parser.add_argument("--b", type=Path, help="second index directory")
    parser.add_argument("--a-backend", default="auto", choices=["auto", "torch", "onnxruntime"])
    parser.add_argument("--b-backend", default="auto", choices=["auto", "torch", "onnxruntime"])
    parser.add_argument("--model", type=Path, default=default_model_dir())
    parser.add_argument("--gold", type=Path, default=Path("../shared/eval/dev.jsonl"))
    parser.add_argument("--save", type=Path, help="write the rankings of --a to this JSON file (and compare nothing)")
    parser.add_argument("--against", type=Path, help="compare --a with rankings saved earlier by --save")
    args = parser.parse_args(argv)
    if sum(x is not None for x in (args.b, args.save, args.against)) != 1:
        parser.error("give exactly one of --b, --save, --against")
    questions = [question.question for question in read_gold(args.gold)]
    a = open_index(args.a, encoder=Encoder.from_dir(args.model, backend=args.a_backend))
    ranked_a = rankings(a, questions)
    if args.save:
        args.save.write_text(json.dumps(ranked_a, ensure_ascii=False), encoding="utf-8")
        print(f"saved the rankings of {args.a} for {len(questions)} questions in {', '.join(ranked_a)} to {args.save}")
        return 0
    if args.against:
        print(f"a: {args.a}; b: rankings saved in {args.against}; {len(questions)} questions of {args.gold}")
        print("\n".join(compare(ranked_a, json.loads(args.against.read_text(encoding="utf-8")))))
        return 0
    b = open_index(args.b, encoder=Encoder.from_dir(args.model, backend=args.b_backend))
    print(f"a: {args.a} on {a.encoder.backend}; b: {args.b} on {b.encoder.backend}; "
          f"{len(questions)} questions of {args.gold}")
    print("\n".join(compare(ranked_a, rankings(b, questions))))
    dense = [s.dense for s in (a, b)]
    if all(d is not None for d in dense) and len(dense[0]) == len(dense[1]):
        x, y = (np.asarray(d.vectors) for d in dense)
        print(f"passage vectors: min cosine {float(np.min(np.sum(x * y, axis=1))):.7f} over {len(x)} passages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
