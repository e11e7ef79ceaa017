"""How much memory a process and the processes it started use together, sampled while it runs.

A large build analyses texts in forked worker processes. `ru_maxrss` sees one process at a
time, and adding up resident sizes counts the pages a fork shares with its parent once per
process; the proportional set size (PSS) splits each shared page between the processes that
map it, so the sum over the tree is what the machine actually gives the build. Linux only
(`/proc/<pid>/smaps_rollup`); elsewhere the sampler reports nothing.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _descendants(pid: int) -> list[int]:
    found = []
    pending = [pid]
    while pending:
        current = pending.pop()
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                pending.extend(int(child) for child in children.read_text().split())
            except (OSError, ValueError):
                continue
        found.append(current)
    return found


def _pss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass  # the process ended between listing and reading
    return 0


def tree_pss_mib(pid: int | None = None) -> float:
    """PSS of a process (default: this one) and all its descendants, in MiB."""
    return sum(_pss_kib(p) for p in _descendants(pid or os.getpid())) / 1024


class PeakTreeMemory:
    """Context manager sampling `tree_pss_mib()` every `interval` seconds; `.peak_mib` is the
    largest sample (None where /proc has no smaps_rollup)."""

    def __init__(self, interval: float = 0.5) -> None:
        self.interval = interval
        self.peak_mib: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            sample = tree_pss_mib()
            if sample:
                self.peak_mib = max(self.peak_mib or 0.0, sample)
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> "PeakTreeMemory":
        if Path(f"/proc/{os.getpid()}/smaps_rollup").is_file():
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join()
