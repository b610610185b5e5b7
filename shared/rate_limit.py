"""Request rate limits for the JSON APIs: a token bucket per caller (the token's `sub`) and per
network address, kept in the process.

Each bucket holds up to a minute's allowance and refills evenly, so a burst up to the allowance
passes and a steady rate above it is refused with the seconds until the next request would pass
(the 429's Retry-After). In-process means per web worker: with gunicorn's N workers a caller may
reach N times the allowance before every worker refuses, and a restart forgets the buckets. That
is enough to stop a runaway script or a scraper at the door; a deployment that needs one exact
limit across processes sets it at its reverse proxy too.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

MAX_KEYS = 10_000  # the least recently seen callers are forgotten beyond this (they start full again)


@dataclass
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        if per_minute < 0:
            raise ValueError("a rate limit is a number of requests a minute, 0 for none")
        self.per_minute = per_minute
        self._refill = per_minute / 60.0  # tokens a second
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    def take(self, key: str) -> int:
        """Takes one request from the key's bucket: 0 when it may go on, else the whole seconds
        until it would pass (nothing is taken from a refused request)."""
        if not self.enabled:
            return 0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(key, None) or _Bucket(float(self.per_minute), now)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.at) * self._refill)
            bucket.at = now
            self._buckets[key] = bucket  # most recently seen last
            while len(self._buckets) > self._max_keys:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0
            return max(1, math.ceil((1.0 - bucket.tokens) / self._refill))


@dataclass(frozen=True)
class ApiLimits:
    per_user: RateLimiter
    per_address: RateLimiter
