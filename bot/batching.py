"""Questions asked at the same moment embedded together, in passes of questions of similar length.

Embedding the question is most of a search's cost (the lexical half takes a few milliseconds).
When several search threads want a question vector at once, one becomes the leader: it embeds one
pass of waiting questions and hands each thread its row, then steps down, and the next waiting
thread leads the next pass; the others wait meanwhile, holding no CPU. Nothing waits on purpose:
a question alone is embedded at once, and passes form only from questions that are already
waiting while the model is busy, which is exactly when batching pays.

A pass holds the oldest waiting question and the waiting ones nearest to it in length (looking
at most `max_batch` deep), at most `pass_size` texts: every question of a pass is padded to the
longest one, and attention costs grow with the square of that length. On the dev questions
(`python -m scripts.bench_passes`), CPU a question: passes of 8 sorted by length 9 ms, 32 as they
came 15 ms, one at a time 11 ms with onnxruntime; 15, 23 and 21 ms with torch. Oldest first keeps
it fair: no question waits behind a stream of better-matched later ones.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np


class _Request:
    __slots__ = ("texts", "vectors", "error", "done")

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.vectors: np.ndarray | None = None
        self.error: BaseException | None = None
        self.done = False


class BatchingEncoder:
    """Wraps an `index.dense.Encoder`; `encode_queries` from many threads share forward passes.

    Everything else (name, dim, encode_passages for a rebuild) is the wrapped encoder's.
    """

    def __init__(self, encoder, max_batch: int = 32, pass_size: int = 8) -> None:
        self.wrapped = encoder
        self.max_batch = max_batch
        self.pass_size = pass_size
        self.batches = 0  # forward passes made, and questions embedded by them (for the benchmark)
        self.questions = 0
        self._pending: list[_Request] = []
        self._leading = False
        self._changed = threading.Condition()

    def __getattr__(self, name: str):
        return getattr(self.wrapped, name)

    def matching(self, model_name: str) -> BatchingEncoder:
        """Batching over the wrapped encoder's ``matching`` one (see ``index.dense.Encoder``)."""
        inner = self.wrapped.matching(model_name) if hasattr(self.wrapped, "matching") else self.wrapped
        return self if inner is self.wrapped else BatchingEncoder(inner, self.max_batch, self.pass_size)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed questions as the wrapped encoder does, batched with other threads' questions."""
        request = _Request(list(texts))
        with self._changed:
            self._pending.append(request)
        while True:
            with self._changed:
                while self._leading and not request.done:
                    self._changed.wait()
                if request.done:
                    break
                self._leading = True
                group = self._take_pass()
            self._encode(group)
        if request.error is not None:
            raise request.error
        return request.vectors

    def _take_pass(self) -> list[_Request]:
        """The oldest waiting request and those nearest to it in length, up to `pass_size` texts;
        taken off the queue. Called holding the lock."""
        window = self._pending[:self.max_batch]
        oldest = _length(window[0])
        group: list[_Request] = []
        size = 0
        for request in sorted(window, key=lambda r: abs(_length(r) - oldest)):  # stable: older first
            if group and size + len(request.texts) > self.pass_size:
                break
            group.append(request)
            size += len(request.texts)
        taken = {id(request) for request in group}
        self._pending = [request for request in self._pending if id(request) not in taken]
        return group

    def _encode(self, group: list[_Request]) -> None:
        try:
            vectors = self.wrapped.encode_queries([text for r in group for text in r.texts])
            start = 0
            for request in group:
                request.vectors = vectors[start:start + len(request.texts)]
                start += len(request.texts)
        except BaseException as error:  # every thread of the pass sees the failure
            for request in group:
                request.error = error
        finally:
            with self._changed:
                for request in group:
                    request.done = True
                self.batches += 1
                self.questions += len(group)
                self._leading = False
                self._changed.notify_all()


def _length(request: _Request) -> int:
    """What a request's padding cost follows: its longest text (characters stand for tokens)."""
    return max((len(text) for text in request.texts), default=0)


def batch_question_embedding(searcher, max_batch: int = 32) -> None:
    """Give `searcher` a batching encoder, once; a lexical-only searcher is left as it is."""
    encoder = getattr(searcher, "encoder", None)
    if encoder is not None and not isinstance(encoder, BatchingEncoder):
        searcher.encoder = BatchingEncoder(encoder, max_batch)
