"""Per-user question rate limit: a sliding window counted in the shared storage, so that a user
limited by one worker is limited by every worker."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.storage import Storage


class StoredRateLimiter:
    """At most `limit` questions per user within any `window_s` seconds, across workers."""

    def __init__(self, storage: Storage, limit: int, window_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        # Wall-clock time, not monotonic: the counts are compared between processes and machines.
        self.storage = storage
        self.limit = limit
        self.window_s = window_s
        self._clock = clock

    def allow(self, user_id: int) -> bool:
        """Count one question for `user_id`; False (and not counted) when over the limit."""
        return self.storage.take_rate_slot(user_id, self.limit, self.window_s, self._clock())

    def retry_after(self, user_id: int) -> int:
        """Whole seconds until `user_id` may ask again (0 when they may now)."""
        return self.storage.rate_retry_after(user_id, self.limit, self.window_s, self._clock())
