"""The bench's memory figure counts the worker processes a build starts, shared pages once."""

import multiprocessing
import sys
import time

import pytest

from scripts.process_memory import PeakTreeMemory, tree_pss_mib

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _hold(megabytes: int, ready, release) -> None:
    block = bytearray(megabytes << 20)
    block[:: 4096] = b"x" * len(block[:: 4096])  # touch every page
    ready.set()
    release.wait(10)


def test_a_child_process_s_memory_is_counted_in_the_tree_peak():
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    before = tree_pss_mib()
    with PeakTreeMemory(interval=0.05) as sampler:
        child = context.Process(target=_hold, args=(200, ready, release))
        child.start()
        assert ready.wait(10)
        time.sleep(0.3)
        release.set()
        child.join(10)
    assert sampler.peak_mib is not None and sampler.peak_mib >= before + 150


def test_pages_a_fork_shares_with_its_parent_are_not_counted_twice():
    block = bytearray(300 << 20)
    block[:: 4096] = b"y" * len(block[:: 4096])
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    alone = tree_pss_mib()
    child = context.Process(target=_hold, args=(0, ready, release))
    child.start()
    try:
        assert ready.wait(10)
        together = tree_pss_mib()
    finally:
        release.set()
        child.join(10)
    assert together < alone + 150  # the child maps the 300 MiB too, but shares it
