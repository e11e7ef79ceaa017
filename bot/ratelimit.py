"""Per-user question rate limit: a sliding window, kept in memory."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most `limit` questions per user within any `window_s` seconds."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._asked: dict[int, deque[float]] = {}

    def allow(self, user_id: int) -> bool:
        """Count one question for `user_id`; False (and not counted) when over the limit."""
        now = self._clock()
        asked = self._asked.setdefault(user_id, deque())
        while asked and asked[0] <= now - self.window_s:
            asked.popleft()
        if len(asked) >= self.limit:
            return False
        asked.append(now)
        return True

    def retry_after(self, user_id: int) -> int:
        """Whole seconds until `user_id` may ask again (0 when they may now)."""
        asked = self._asked.get(user_id)
        if not asked or len(asked) < self.limit:
            return 0
        return max(1, math.ceil(asked[0] + self.window_s - self._clock()))
