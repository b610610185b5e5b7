"""The relay lease's decisions, with the clock passed in: who may publish, when to look again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.lease import (
    NOBODY,
    Lease,
    LeaseKeeper,
    LeaseTerms,
    is_free,
    is_held_by,
    may_work,
    next_look,
    takeover_filter,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
TERMS = LeaseTerms(
    duration=timedelta(seconds=6),
    renew_every=timedelta(seconds=2),
    margin=timedelta(seconds=2),
    look_every=timedelta(seconds=1),
)


def seconds(n: float) -> timedelta:
    return timedelta(seconds=n)


def test_a_lease_never_taken_is_free_and_nobody_holds_it():
    assert is_free(NOBODY, T0)
    assert not is_held_by(NOBODY, "a", T0)
    assert not may_work(NOBODY, "a", T0, TERMS)


def test_the_holder_may_work_while_the_margin_is_left():
    lease = Lease("a", T0 + seconds(6))
    assert may_work(lease, "a", T0, TERMS)
    assert may_work(lease, "a", T0 + seconds(4), TERMS)
    # Renewals failed: it stops with 2 s still on the lease, before anyone else may take it.
    assert not may_work(lease, "a", T0 + seconds(4.5), TERMS)
    assert not is_free(lease, T0 + seconds(4.5))


def test_someone_else_never_works_under_a_lease_they_do_not_hold():
    lease = Lease("a", T0 + seconds(6))
    assert not may_work(lease, "b", T0, TERMS)
    assert not is_free(lease, T0 + seconds(5.9))


def test_a_lapsed_lease_is_free_and_its_old_holder_may_not_work():
    lease = Lease("a", T0 + seconds(6))
    assert is_free(lease, T0 + seconds(6))
    assert not is_held_by(lease, "a", T0 + seconds(6))
    assert not may_work(lease, "a", T0 + seconds(7), TERMS)


def test_a_released_lease_is_free_at_once():
    assert is_free(Lease(None, T0), T0 - seconds(1))


def test_the_holder_looks_again_to_renew_and_others_to_take_over():
    assert next_look(Lease("a", T0 + seconds(6)), "a", T0, TERMS) == T0 + seconds(2)
    # Someone else holds it: look every second (a clean release frees it early) ...
    assert next_look(Lease("a", T0 + seconds(6)), "b", T0, TERMS) == T0 + seconds(1)
    # ... and no later than when it lapses.
    assert next_look(Lease("a", T0 + seconds(0.5)), "b", T0, TERMS) == T0 + seconds(0.5)
    assert next_look(NOBODY, "b", T0, TERMS) == T0 + seconds(1)


def test_the_database_takes_over_only_a_lease_that_is_ours_or_free():
    query = takeover_filter("outbox-relay", "b", T0)
    assert query["_id"] == "outbox-relay"
    assert {"holder": "b"} in query["$or"]
    assert {"holder": None} in query["$or"]
    assert {"expires_at": {"$lte": T0}} in query["$or"]


def test_terms_that_could_lapse_between_renewals_are_refused():
    with pytest.raises(ValueError):
        LeaseTerms(duration=seconds(4), renew_every=seconds(3), margin=seconds(2))


class ScriptedLease:
    """A database lease whose answers the test writes."""

    def __init__(self, answers, terms: LeaseTerms = TERMS) -> None:
        self.answers = list(answers)
        self.holder = "a"
        self.name = "outbox-relay"
        self.terms = terms
        self.released = False

    def take_or_renew(self, now):
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    def release(self, now) -> None:
        self.released = True


def test_the_keeper_holds_after_taking_and_stops_before_the_lease_lapses_when_renewals_fail():
    from pymongo.errors import AutoReconnect

    now = [T0]
    lease = ScriptedLease([Lease("a", T0 + seconds(6)), AutoReconnect("down"), AutoReconnect("down")])
    keeper = LeaseKeeper(lease, lambda: now[0])
    assert not keeper.held()
    assert keeper.look() == T0 + seconds(2)
    assert keeper.held()
    now[0] = T0 + seconds(2)
    keeper.look()  # the database is away: the lease known stays, and runs down
    assert keeper.held()
    now[0] = T0 + seconds(4.5)
    keeper.look()
    assert not keeper.held()


def test_the_keeper_of_a_lease_held_elsewhere_may_not_publish():
    now = [T0]
    lease = ScriptedLease([Lease("b", T0 + seconds(6))])
    keeper = LeaseKeeper(lease, lambda: now[0])
    assert keeper.look() == T0 + seconds(1)
    assert not keeper.held()
    keeper.release()
    assert lease.released and not keeper.held()
