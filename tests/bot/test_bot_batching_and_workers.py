"""Worker pool admission and the batching of question embeddings across search threads."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from bot.batching import BatchingEncoder
from bot.workers import Busy, WorkPool
from index.searcher import open_index


class CountingEncoder:
    """An encoder whose vector for a text is its length; records the size of every call."""

    name = "counting"

    def __init__(self, delay: float = 0.05) -> None:
        self.calls: list[int] = []
        self.delay = delay

    def encode_queries(self, texts):
        self.calls.append(len(texts))
        time.sleep(self.delay)  # a forward pass takes a while; questions pile up meanwhile
        if any(text == "boom" for text in texts):
            raise RuntimeError("model failed")
        return np.array([[float(len(text))] for text in texts], dtype=np.float32)


def test_questions_waiting_while_the_model_is_busy_are_embedded_in_one_pass():
    inner = CountingEncoder()
    encoder = BatchingEncoder(inner, max_batch=32)
    texts = [f"câu hỏi {'x' * n}" for n in range(12)]
    results: dict[str, np.ndarray] = {}

    def ask(text: str) -> None:
        results[text] = encoder.encode_queries([text])

    threads = [threading.Thread(target=ask, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
        time.sleep(0.002)
    for thread in threads:
        thread.join()
    assert all(results[text][0, 0] == len(text) for text in texts), "each thread gets its own row"
    assert sum(inner.calls) == 12 and len(inner.calls) < 12, inner.calls
    assert encoder.name == "counting"


class GatedEncoder:
    """An encoder whose first pass waits for `release`; records the texts of every pass."""

    name = "gated"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.passes: list[list[str]] = []

    def encode_queries(self, texts):
        if not self.passes:
            self.release.wait(5)
        self.passes.append(list(texts))
        return np.array([[float(len(text))] for text in texts], dtype=np.float32)


def test_a_pass_takes_the_oldest_waiting_question_and_those_nearest_to_it_in_length():
    inner = GatedEncoder()
    encoder = BatchingEncoder(inner, max_batch=32, pass_size=2)
    first = threading.Thread(target=encoder.encode_queries, args=(["đầu tiên"],))
    first.start()
    time.sleep(0.05)  # the model is busy with it; the next ones queue up in this order
    waiting = ["a" * 40, "b" * 5, "c" * 41, "d" * 6]
    threads = [threading.Thread(target=encoder.encode_queries, args=([text],)) for text in waiting]
    for thread in threads:
        thread.start()
        time.sleep(0.02)
    inner.release.set()
    for thread in [first, *threads]:
        thread.join()
    assert inner.passes == [["đầu tiên"], ["a" * 40, "c" * 41], ["b" * 5, "d" * 6]]


def test_a_question_alone_is_embedded_at_once_and_batches_respect_the_maximum():
    inner = CountingEncoder(delay=0.0)
    encoder = BatchingEncoder(inner, max_batch=2)
    assert encoder.encode_queries(["một", "hai"]).shape == (2, 1)
    assert inner.calls == [2]


def test_a_failed_pass_fails_every_question_in_it_and_the_next_pass_works():
    encoder = BatchingEncoder(CountingEncoder(delay=0.0))
    with pytest.raises(RuntimeError):
        encoder.encode_queries(["boom"])
    assert encoder.encode_queries(["sau đó"])[0, 0] == len("sau đó")


def test_pool_refuses_at_once_beyond_its_bound_and_admits_again_when_jobs_finish():
    pool = WorkPool("test", workers=1, max_in_flight=2)
    release = threading.Event()

    async def main() -> list[object]:
        first = asyncio.ensure_future(pool.run(release.wait, 5))
        second = asyncio.ensure_future(pool.run(release.wait, 5))
        await asyncio.sleep(0.05)
        with pytest.raises(Busy):
            await pool.run(time.sleep, 0)
        release.set()
        done = await asyncio.gather(first, second)
        return [*done, await pool.run(len, "sau")]

    assert asyncio.run(main()) == [True, True, 3]
    assert pool.refused == 1 and pool.peak_in_flight == 2 and pool.in_flight == 0
    pool.shutdown()


def test_concurrent_searches_sharing_passes_find_the_same_passages_as_one_at_a_time(
        corpus_dir, fused_index, dense_encoder):
    gold = corpus_dir.parent / "eval" / "dev.jsonl"
    if not gold.is_file():
        pytest.skip(f"gold questions not found at {gold}")
    questions = [json.loads(line)["question"] for line in gold.read_text(encoding="utf-8").splitlines()
                 if line.strip()][:64]
    alone = open_index(fused_index, encoder=dense_encoder)
    batching = BatchingEncoder(dense_encoder)
    shared = open_index(fused_index, encoder=batching)

    def found(searcher, question):
        result = searcher.search(question, 9)
        return result.abstained, [hit.passage.id for hit in result.hits]

    expected = [found(alone, q) for q in questions]
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda q: found(shared, q), questions))
    assert together == expected
    assert batching.batches < len(questions), "questions did share passes"
