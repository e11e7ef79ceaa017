"""What a question's embedding costs in forward passes of different shapes: the figures behind
`bot.batching`'s pass size.

    python -m scripts.bench_passes [--model DIR] [--gold FILE] [--questions 128]

Embeds the gold questions (in groups of 32, as a burst of waiting questions would come) in four
ways: one question a pass; the 32 in one pass as they came; sorted by length and cut into passes
of 8, and of 4. Prints wall and CPU milliseconds a question (CPU time is what a busy machine
cannot disturb), and how far the vectors are from those embedded one at a time.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from scripts.bench_bot import GOLD, questions_from

GROUP = 32


def in_passes(encode: Callable[[list[str]], np.ndarray], group: list[str], size: int) -> np.ndarray:
    """`group` embedded in passes of `size` questions of similar length, rows in the group's order."""
    order = sorted(range(len(group)), key=lambda i: len(group[i]))
    rows: list[np.ndarray | None] = [None] * len(group)
    for start in range(0, len(order), size):
        chosen = order[start:start + size]
        for i, row in zip(chosen, encode([group[i] for i in chosen])):
            rows[i] = row
    return np.stack(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, help="model directory (default: the installed one)")
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--questions", type=int, default=128)
    args = parser.parse_args(argv)

    from index.dense import Encoder
    from index.embedding_model import default_model_dir

    encoder = Encoder.from_dir(args.model or default_model_dir())
    questions = questions_from(args.gold)[:args.questions]
    groups = [questions[i:i + GROUP] for i in range(0, len(questions), GROUP)]
    encoder.encode_queries(questions[:4])  # load lazily loaded parts before timing
    alone = np.concatenate([np.stack([encoder.encode_queries([q])[0] for q in g]) for g in groups])
    shapes = {
        "one question a pass": lambda g: np.stack([encoder.encode_queries([q])[0] for q in g]),
        f"{GROUP} in one pass as they came": encoder.encode_queries,
        "passes of 8 sorted by length": lambda g: in_passes(encoder.encode_queries, g, 8),
        "passes of 4 sorted by length": lambda g: in_passes(encoder.encode_queries, g, 4),
    }
    print(f"{len(questions)} questions in groups of {GROUP}")
    for name, encode in shapes.items():
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = np.concatenate([encode(g) for g in groups])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"{name:34} wall {wall * 1000 / len(questions):5.1f} ms, CPU {cpu * 1000 / len(questions):5.1f} ms "
              f"a question; max |difference| from one at a time {np.abs(vectors - alone).max():.1e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
