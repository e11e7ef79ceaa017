"""Do two (index, model) pairs rank the same? For a runtime or storage change that must not move results.

    python -m scripts.compare_rankings --a /tmp/idx-torch --a-backend torch \\
        --b /tmp/idx-onnx --b-backend onnxruntime [--model DIR] [--gold ../shared/eval/dev.jsonl]

Opens both indexes with their encoders (the same model directory, each on the backend named),
asks every gold question in every mode both serve, and prints per mode how many questions got
the same top 10 (ids, in order), how many the same top 5, and how many the same abstentions;
then the lowest cosine between the two indexes' passage vectors, row by row.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from index.dense import Encoder
from index.searcher import open_index
from scripts.evaluate import read_gold


def ranked_ids(searcher, question: str, mode: str, k: int = 10) -> tuple[tuple[str, ...], bool]:
    """The top-k passage ids for a question, and whether the searcher abstained."""
    result = searcher.search(question, k=k, mode=mode)
    return tuple(hit.passage.id for hit in result.hits), bool(result.abstained)


def main(argv: list[str] | None = None) -> int:
    from index.embedding_model import default_model_dir

    parser = argparse.ArgumentParser(prog="python -m scripts.compare_rankings", description=__doc__.split("\n")[0])
    parser.add_argument("--a", type=Path, required=True, help="first index directory")
    parser.add_argument("--b", type=Path, required=True, help="second index directory")
    parser.add_argument("--a-backend", default="auto", choices=["auto", "torch", "onnxruntime"])
    parser.add_argument("--b-backend", default="auto", choices=["auto", "torch", "onnxruntime"])
    parser.add_argument("--model", type=Path, default=default_model_dir())
    parser.add_argument("--gold", type=Path, default=Path("../shared/eval/dev.jsonl"))
    args = parser.parse_args(argv)
    gold = read_gold(args.gold)
    searchers = [open_index(index, encoder=Encoder.from_dir(args.model, backend=backend))
                 for index, backend in ((args.a, args.a_backend), (args.b, args.b_backend))]
    print(f"a: {args.a} on {searchers[0].encoder.backend}; b: {args.b} on {searchers[1].encoder.backend}; "
          f"{len(gold)} questions of {args.gold}")
    for mode in searchers[0].modes:
        if mode not in searchers[1].modes:
            continue
        same10 = same5 = same_abstention = 0
        for question in gold:
            (a_ids, a_abstained), (b_ids, b_abstained) = (ranked_ids(s, question.question, mode) for s in searchers)
            same10 += a_ids == b_ids
            same5 += a_ids[:5] == b_ids[:5]
            same_abstention += a_abstained == b_abstained
        print(f"{mode}: same top 10 for {same10}/{len(gold)}, same top 5 for {same5}/{len(gold)}, "
              f"same abstention for {same_abstention}/{len(gold)}")
    dense = [s.dense for s in searchers]
    if all(d is not None for d in dense) and len(dense[0]) == len(dense[1]):
        a, b = (np.asarray(d.vectors) for d in dense)
        print(f"passage vectors: min cosine {float(np.min(np.sum(a * b, axis=1))):.7f} over {len(a)} passages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
