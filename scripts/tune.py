"""Sweep fusion weights and abstention thresholds on gold questions; prints the tables that chose
the defaults in index/settings.py.

    python -m scripts.tune --gold ../shared/eval/dev.jsonl [--index DIR] [--model DIR]

Tune mechanisms, never a question: the project is judged on questions it has not seen.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from index.searcher import open_index
from scripts.cli import default_index_dir, default_model_dir, result_to_json
from scripts.evaluate import EvalReport, read_gold, score


def evaluate(searcher, gold) -> dict:
    report = EvalReport()
    for question in gold:
        report.outcomes.append(score(question, result_to_json(searcher.search(question.question, k=10))))
    return report.summary()


def abstention_evidence(searcher, gold) -> list[tuple[float, float, str, str, str]]:
    """(closest cosine, best word coverage among the top 5 fused passages, scope, id, question)."""
    from index.tokenise import analyse

    rows = []
    for question in gold:
        analysis = analyse(question.question)
        lexical = searcher.lexical_scores(analysis)
        dense_order, dense_scores = searcher._dense_ranking(question.question)
        fused = searcher._fuse(lexical, dense_order, dense_scores)
        top = [int(i) for i in fused.argsort()[::-1][:5]]
        coverage = max(searcher.coverages(question.question, analysis, top).values())
        scope = "in " if question.in_scope else "OUT"
        rows.append((float(dense_scores[0]), coverage, scope, question.id, question.question[:60]))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, required=True)
    parser.add_argument("--index", type=Path, default=None)
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    searcher = open_index(args.index or default_index_dir(), model_dir=args.model or default_model_dir())
    searcher.warm_up()
    gold = read_gold(args.gold)
    base = searcher.settings

    print("Evidence per question, by closest meaning (for the abstention thresholds):")
    print("  cosine coverage scope id question")
    for cosine, coverage, scope, qid, text in sorted(abstention_evidence(searcher, gold)):
        print(f"  {cosine:.3f}  {coverage:.2f}     {scope} {qid} {text}")

    print("\n| weight_dense | hit@1 | hit@5 | MRR@10 | OOS declined | in-scope declined |")
    print("|---|---|---|---|---|---|")
    for weight in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75):
        searcher.settings = dataclasses.replace(base, weight_dense=weight)
        s = evaluate(searcher, gold)
        print(f"| {weight} | {s['hit@1']:.3f} | {s['hit@5']:.3f} | {s['mrr@10']:.3f} | {s['out_of_scope_declined']} | {s['in_scope_declined']} |")
    searcher.settings = base
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
