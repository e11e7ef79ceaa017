"""Index rollout across workers: follow the build id published in the shared storage.

`binhdang index build` or an admin's /reindex publishes the id of the build it made (its
directory name under <index>/builds/). Each worker compares it with the build it serves at the
start of every update and, when they differ, opens the published build and swaps it in; updates
already being answered finish on the old one. A worker that cannot open the published build
(not copied to this machine yet, damaged, built with another model) keeps serving the old one,
logs why, reports it on /healthz, and tries again a little later.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.holder import SearcherHolder, SearcherLike, warm_up
from bot.storage import Storage

log = logging.getLogger(__name__)

RETRY_AFTER_S = 30.0  # a build that failed to open is tried again after this long


def build_id(searcher: SearcherLike) -> str:
    """The id of the build a searcher serves: its directory name ('' when it has none)."""
    build_dir = getattr(searcher, "build_dir", None)
    return Path(build_dir).name if build_dir else ""


@dataclass(frozen=True)
class RolloutState:
    """What /healthz reports about builds."""

    serving: str
    published: str | None
    failed: str | None  # the published build this worker could not open, and why
    error: str | None


def open_build(index_dir: Path, build: str, encoder=None) -> SearcherLike:
    """Open one sealed build of an index directory, verified and warmed up."""
    from index.errors import IndexNotFound
    from index.searcher import open_index
    from index.store import BUILDS

    build_dir = index_dir / BUILDS / build
    if not build_dir.is_dir():
        raise IndexNotFound(f"build {build} is not in {index_dir / BUILDS} on this machine")
    searcher = open_index(build_dir, encoder=encoder)
    warm_up(searcher)
    return searcher


class BuildFollower:
    """Swaps the holder's searcher to the build the storage says is live."""

    def __init__(self, storage: Storage, holder: SearcherHolder, index_dir: Path, *,
                 opener: Callable[[Path, str, object], SearcherLike] = open_build,
                 retry_after_s: float = RETRY_AFTER_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.storage, self.holder, self.index_dir = storage, holder, index_dir
        self._opener, self._retry_after_s, self._clock = opener, retry_after_s, clock
        self._loading = asyncio.Lock()
        self._published: str | None = None
        self._failed: tuple[str, str, float] | None = None  # build, error, when

    def state(self) -> RolloutState:
        failed = self._failed if self._failed and self._failed[0] == self._published else None
        return RolloutState(serving=build_id(self.holder.get()), published=self._published,
                            failed=failed[0] if failed else None, error=failed[1] if failed else None)

    async def follow(self) -> None:
        """Bring the served build up to the published one; never raises (the old build serves on)."""
        try:
            published = self.storage.published_build()
        except Exception:  # noqa: BLE001 - the database being away must not stop answering
            log.warning("cannot read the published index build; serving %s", build_id(self.holder.get()),
                        exc_info=True)
            return
        if published is None:
            return
        self._published = published.build_id
        if published.build_id == build_id(self.holder.get()) or self._loading.locked():
            return  # up to date, or another update is opening it while this one uses the old build
        if self._failed and self._failed[0] == published.build_id \
                and self._clock() - self._failed[2] < self._retry_after_s:
            return
        async with self._loading:
            if published.build_id == build_id(self.holder.get()):
                return
            encoder = getattr(self.holder.get(), "encoder", None)
            try:
                searcher = await asyncio.to_thread(self._opener, self.index_dir, published.build_id, encoder)
            except Exception as error:  # noqa: BLE001 - any failure: keep the old build, say why
                self._failed = (published.build_id, f"{type(error).__name__}: {error}", self._clock())
                log.warning("cannot open published index build %s; still serving %s: %s",
                            published.build_id, build_id(self.holder.get()), self._failed[1])
                return
            previous = self.holder.swap(searcher)
            self._failed = None
            log.info("index build %s swapped in (was %s)", published.build_id, build_id(previous))
