"""A group join that outlives one `poll` is finished by the next, never forgotten.

kafka-python 3.0.x leaves a JoinGroup/SyncGroup in flight when `poll`'s timeout ends first, and
re-enters the join only while `need_rejoin()` holds. That is false once the metadata that asked
for the rejoin has arrived (the leader's assignment snapshot then equals the metadata snapshot),
so the finished join is never taken up: no partitions are assigned, heartbeats stay disabled,
the broker expires the member, and the consumer polls nothing for ever without an error. Under
load (a slow first join after "no partition metadata yet") this stalled a service's consumer.

The coordinator marks a started, unfinished join attempt with `rejoining` (cleared only when the
join completes); counting that as "must rejoin" makes the next `poll` await the attempt to its end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kafka.coordinator.consumer import ConsumerCoordinator

_PATCHED = "_ipt_finishes_interrupted_joins"


def finish_interrupted_joins(coordinator_class: Any = ConsumerCoordinator) -> None:
    """Makes `need_rejoin` true while a join attempt is unfinished. Idempotent."""
    if getattr(coordinator_class, _PATCHED, False):
        return
    original: Callable[[Any], bool] = coordinator_class.need_rejoin

    def need_rejoin(self: Any) -> bool:
        # The original is asked first: it also notices subscription and metadata changes.
        return bool(original(self)) or bool(getattr(self, "rejoining", False))

    coordinator_class.need_rejoin = need_rejoin
    setattr(coordinator_class, _PATCHED, True)
