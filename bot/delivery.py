"""Every Bot API call the bot makes, retried the way Telegram asks, and given up on with a log line.

python-telegram-bot routes each request (all but getUpdates, which the poller retries itself)
through the application's rate limiter; this one does not throttle, it retries:

- 429 Too Many Requests (`RetryAfter`): wait the `retry_after` Telegram gives, then send again,
  unless that wait alone exceeds `max_retry_after_s` (then it is not worth holding the answer);
- 5xx, a dropped or reset connection, a timeout (`NetworkError`, `TimedOut`): wait with capped
  exponential backoff, then send again;
- anything else (400 Bad Request, 403 blocked by the user, 401) is not transient: raised at once.

After `max_attempts` the last error is raised and one WARNING line names the method and the
error, so a lost answer is never silent. The caller decides what that means (the journal marks
the question "delivery failed").

A timeout can hide a request Telegram did receive; retrying it may then show a message twice.
That is the price of not losing answers, and the reason the read timeout is generous.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try before giving up on one Bot API call."""

    max_attempts: int = 5
    first_backoff_s: float = 0.5
    max_backoff_s: float = 8.0
    max_retry_after_s: float = 60.0

    def backoff(self, failed_attempts: int) -> float:
        """Seconds to wait after the `failed_attempts`-th transient failure (1, 2, …)."""
        return min(self.max_backoff_s, self.first_backoff_s * 2 ** (failed_attempts - 1))


def _retry_after_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        # PTB 22 warns that retry_after becomes a timedelta; both shapes are read below.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


def is_transient(error: BaseException) -> bool:
    """True for failures that may pass by themselves: 5xx, dropped connections, timeouts."""
    if isinstance(error, (BadRequest, Forbidden, InvalidToken, RetryAfter)):
        return False
    return isinstance(error, (NetworkError, TimedOut))


class RetryingDelivery(BaseRateLimiter[None]):
    """The application's request wrapper: retries as `RetryPolicy` says (see the module doc)."""

    def __init__(self, policy: RetryPolicy | None = None,
                 sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep) -> None:
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self.retries = 0  # how many calls were sent again, for tests and the benchmark
        self.gave_up = 0

    async def initialize(self) -> None:
        """Nothing to set up: no throttling state."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        """Call `callback`, retrying 429 and transient failures; raise the last error at the bound."""
        policy = self.policy
        transient_failures = 0
        for attempt in range(1, policy.max_attempts + 1):
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = _retry_after_seconds(error)
                if wait > policy.max_retry_after_s or attempt == policy.max_attempts:
                    self._give_up(endpoint, attempt, error)
                    raise
                log.info("%s: Telegram asks to wait %.0f s (429); retrying", endpoint, wait)
            except NetworkError as error:
                if not is_transient(error):
                    raise
                transient_failures += 1
                if attempt == policy.max_attempts:
                    self._give_up(endpoint, attempt, error)
                    raise
                wait = policy.backoff(transient_failures)
                log.info("%s failed (%s); retrying in %.1f s", endpoint, error, wait)
            self.retries += 1
            await self._sleep(wait)
        raise AssertionError("unreachable: the loop returns or raises")

    def _give_up(self, endpoint: str, attempts: int, error: BaseException) -> None:
        self.gave_up += 1
        log.warning("giving up on %s after %d attempt(s): %s: %s", endpoint, attempts,
                    type(error).__name__, error)
