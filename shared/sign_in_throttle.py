"""How long a staff sign-in must wait after failed attempts: progressive delays, never a lockout.

A lockout on the account alone lets anyone who knows a username keep its owner out. Here failures
are counted three ways, each with its own allowance and its longest delay:

- one address guessing one account (`pair`): 3 free attempts, then 1 s, 2 s, 4 s … up to 15 minutes;
- many addresses guessing one account (`account`): 5 free, then doubling up to 1 minute only — so a
  guesser elsewhere slows the account to a try a minute but never keeps its owner out for longer;
- one address guessing many accounts (`address`): 10 free, then doubling up to 1 minute — a
  password sprayed across accounts goes slowly, and colleagues behind the same address (one office,
  one proxy) wait a minute at most.

The caller's address is what the web server sees: behind a reverse proxy set TRUSTED_PROXY_HOPS,
or every attempt seems to come from the proxy and the pair limit acts as an account lockout.

Failures are forgotten an hour after the last one (a success forgets the account's and the pair's
at once). What is counted is keyed by a SHA-256 of the kind and the value, so the store never holds
what someone typed as a username (a password typed in the wrong box, say) nor the raw address.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

PAIR, ADDRESS, ACCOUNT = "pair", "address", "account"
BASE_DELAY = timedelta(seconds=1)
FORGET_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Limit:
    free: int  # failures allowed before any delay
    longest: timedelta  # the delay stops doubling here


LIMITS = {
    PAIR: Limit(free=3, longest=timedelta(minutes=15)),
    ADDRESS: Limit(free=10, longest=timedelta(minutes=1)),
    ACCOUNT: Limit(free=5, longest=timedelta(minutes=1)),
}


@dataclass(frozen=True)
class Failures:
    count: int
    last: datetime


def key(kind: str, *parts: str) -> str:
    return hashlib.sha256("\x1f".join((kind, *parts)).encode("utf-8")).hexdigest()


def keys(username: str, address: str | None) -> dict[str, str]:
    """The counters one attempt touches: the account's, and with an address the address's and the pair's."""
    found = {ACCOUNT: key(ACCOUNT, username)}
    if address:
        found |= {ADDRESS: key(ADDRESS, address), PAIR: key(PAIR, username, address)}
    return found


def delay(limit: Limit, failures: int) -> timedelta:
    """The wait after `failures` failures in a row: none within the allowance, then doubling."""
    beyond = failures - limit.free
    if beyond < 0:
        return timedelta(0)
    return min(BASE_DELAY * (1 << min(beyond, 30)), limit.longest)


def current(failures: Failures | None, now: datetime) -> int:
    """How many failures still count: none an hour after the last one."""
    if failures is None or now - failures.last >= FORGET_AFTER:
        return 0
    return failures.count


def wait(kind: str, failures: Failures | None, now: datetime) -> timedelta:
    """How long from `now` until the next attempt is heard, for one counter."""
    count = current(failures, now)
    if failures is None or count == 0:
        return timedelta(0)
    return max(timedelta(0), failures.last + delay(LIMITS[kind], count) - now)


def retry_after(counters: dict[str, Failures | None], now: datetime) -> int:
    """Whole seconds until the next attempt is heard (0: now), the longest of the counters' waits."""
    longest = max((wait(kind, found, now) for kind, found in counters.items()), default=timedelta(0))
    return math.ceil(longest.total_seconds())
