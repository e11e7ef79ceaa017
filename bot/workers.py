"""CPU work (searches, handouts) off the event loop, with a bound on how much may wait for it.

The event loop only receives updates and sends replies; a search runs in a worker thread of a
pool made once. When `max_in_flight` jobs are already admitted, the next one is refused at once
with `Busy`, so the user is told to try again in a few seconds instead of waiting in a queue
that only grows while a training room of fifty people asks at the same moment.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Busy(Exception):
    """Raised by `WorkPool.run` when the pool already holds as many jobs as it admits."""


class WorkPool:
    """A thread pool of `workers` threads admitting at most `max_in_flight` jobs (running or queued).

    Used from one event loop only: the counter needs no lock.
    """

    def __init__(self, name: str, workers: int, max_in_flight: int) -> None:
        if workers < 1 or max_in_flight < workers:
            raise ValueError(f"{name}: need workers >= 1 and max_in_flight >= workers")
        self.name = name
        self.workers = workers
        self.max_in_flight = max_in_flight
        self.in_flight = 0
        self.peak_in_flight = 0
        self.refused = 0
        self._executor = ThreadPoolExecutor(workers, thread_name_prefix=name)

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """`function(*args)` in a worker thread; raises `Busy` without queueing when full."""
        if self.in_flight >= self.max_in_flight:
            self.refused += 1
            raise Busy(self.name)
        self.in_flight += 1
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, functools.partial(function, *args))
        finally:
            self.in_flight -= 1

    def shutdown(self) -> None:
        """Stop the threads once the jobs already admitted are done."""
        self._executor.shutdown(wait=True, cancel_futures=False)
