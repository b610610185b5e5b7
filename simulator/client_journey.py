"""One simulated client's way through the clinic, as the calls staff would make for them.

A journey is a generator: it yields a `Call` (or a `Pause`) and is sent the `Response`, so the same
journey runs one call after another, or interleaved with others at a fixed rate, against the real
services or a fake. Calls that wait for another service to catch up (the episode sessions opens
on admission, an alert notifications raises for a risk flag) are polls, a bounded number of times.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from simulator.scenario import SUPERVISOR_ID, ClientPlan, Measure, SessionPlan
from simulator.transport import Response

INTAKE_STAFF = ("intake", "sim-intake")
SUPERVISOR = ("supervisor", SUPERVISOR_ID)
ADMIN = ("admin", "sim-admin")
POLL_INTERVAL = 0.25  # seconds between polls
POLL_ATTEMPTS = 240  # a minute at most: events cross services in well under a second when healthy
BOOKING_ATTEMPTS = 3  # a clashing series is moved an hour earlier and tried again
T = TypeVar("T")


@dataclass(frozen=True)
class Call:
    name: str  # the call type in the report
    service: str
    method: str
    path: str  # under /api/v1
    role: str
    sub: str
    body: Any = None
    params: dict[str, str] | None = None
    expect: tuple[int, ...] = (200, 201)
    # Answers the flow is ready for (a 404 while another service has not caught up, a clash).
    tolerate: tuple[int, ...] = ()
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Pause:
    seconds: float


class GaveUp(Exception):
    """A call failed, or a poll never saw what it waited for: the journey stops there."""


Step = Call | Pause
Journey = Generator[Step, Response, str]


@dataclass(frozen=True)
class JourneyContext:
    started: datetime  # the run's start (UTC): courses are dated back from it
    key: str  # tells this run's client from another run's with the same index


def client_journey(plan: ClientPlan, context: JourneyContext) -> Journey:
    """Referral to discharge; returns how it ended ("discharged", "not_admitted")."""
    client = yield from _call(Call("register", "intake", "POST", "/clients", *INTAKE_STAFF, body=plan.registration()))
    client_id = client["id"]
    flagged = False
    for screening in plan.screenings:
        result = yield from _call(
            Call(f"screen_{screening.instrument}", "intake", "POST", f"/clients/{client_id}/screenings",
                 *INTAKE_STAFF, body=screening.screening_body())
        )  # fmt: skip
        flagged = flagged or result.get("risk_flag") is not None
    if plan.consents:
        consent = {"kind": "treatment", "signed_on": plan.referral_date.isoformat()}
        path = f"/clients/{client_id}/consents"
        yield from _call(Call("consent", "intake", "POST", path, *INTAKE_STAFF, body=consent))
    if plan.inventory is not None:
        yield from _call(
            Call("inventory", "intake", "PUT", f"/clients/{client_id}/assessment", *INTAKE_STAFF, body=plan.inventory)
        )
    if flagged:
        yield from _risk_reviewed(client_id)
    if not plan.admitted:
        return "not_admitted"
    admission = {
        "track": "individual",
        "problem_areas": plan.problem_areas,
        "override": {"confirmed": True, "reason": "Simulated admission"},
    }
    yield from _call(Call("admit", "intake", "POST", f"/clients/{client_id}/admission", *INTAKE_STAFF, body=admission))
    episode = yield from _poll(
        Call("poll_episode", "sessions", "GET", "/episodes", *ADMIN, params={"client_id": client_id}),
        lambda found: next((e for e in found if e["status"] == "active"), None),
    )
    episode_id = episode["id"]
    yield from _call(
        Call("assign", "sessions", "PATCH", f"/episodes/{episode_id}", *ADMIN, body={"clinician_id": plan.clinician})
    )
    sessions = yield from _book(plan, episode_id, context)
    for session, session_plan in zip(sessions, plan.sessions, strict=True):
        yield from _session(plan, client_id, session["id"], session_plan, context)
    yield from _call(
        Call("close", "sessions", "PATCH", f"/episodes/{episode_id}", "clinician", plan.clinician,
             body={"closed_reason": plan.closed_reason})
    )  # fmt: skip
    return "discharged"


def _book(
    plan: ClientPlan, episode_id: str, context: JourneyContext
) -> Generator[Step, Response, list[dict[str, Any]]]:
    """The whole course, weekly, ending a week before the run started: every session can be attended now."""
    weeks = len(plan.sessions)
    start = (context.started - timedelta(weeks=weeks, hours=plan.index)).replace(minute=0, second=0, microsecond=0)
    for attempt in range(BOOKING_ATTEMPTS):
        series = {
            "start": (start - timedelta(hours=attempt)).isoformat(),
            "count": weeks,
            "frequency": "weekly",
            "modality": ("in_person", "video", "phone")[plan.index % 3],
        }
        response = yield Call(
            "book", "sessions", "POST", f"/episodes/{episode_id}/sessions", "clinician", plan.clinician,
            body=series, tolerate=(409,) if attempt < BOOKING_ATTEMPTS - 1 else (),
        )  # fmt: skip
        if response.status == 201:
            booked: list[dict[str, Any]] = response.body["sessions"]
            return booked
        if response.status != 409:
            break
    raise GaveUp("book")


def _session(
    plan: ClientPlan, client_id: str, session_id: str, session: SessionPlan, context: JourneyContext
) -> Generator[Step, Response, None]:
    mine = ("clinician", plan.clinician)
    status = "attended" if session.attended else "no_show"
    yield from _call(Call(status, "sessions", "PATCH", f"/sessions/{session_id}", *mine, body={"status": status}))
    if not session.attended:
        return
    phase = "initial" if session.number <= 3 else "termination" if session.number > len(plan.sessions) - 3 else "middle"
    record = {
        "phase": phase,
        "focus": plan.primary_area,
        "risk_review": "Reviewed",
        "measures": [measure.body() for measure in session.measures],
    }
    yield from _call(Call("record", "sessions", "PUT", f"/sessions/{session_id}/record", *mine, body=record))
    if session.self_report is not None:
        yield from _self_report(client_id, session.self_report, mine, f"{context.key}-{session_id}")
    if any(measure.shows_risk for measure in session.measures):
        yield from _risk_reviewed(client_id)


def _self_report(client_id: str, measure: Measure, mine: tuple[str, str], key: str) -> Generator[Step, Response, None]:
    """A PHQ-9 the client answered between sessions, entered through outcomes (404 until outcomes
    learns the client is this clinician's; the idempotency key makes the retry safe)."""
    call = Call(
        "self_report", "outcomes", "POST", f"/clients/{client_id}/measures", *mine,
        body=measure.body(), expect=(201,), tolerate=(404,), headers={"Idempotency-Key": f"sim-{key}"[:64]},
    )  # fmt: skip
    yield from _poll(call, lambda created: created)


def _risk_reviewed(client_id: str) -> Generator[Step, Response, None]:
    """Notifications raises an alert for the flag: a supervisor acknowledges it, reviews the client
    and clears what is open (which resolves the alert)."""
    alerts = yield from _poll(
        Call("poll_alert", "notifications", "GET", "/alerts", *SUPERVISOR, params={"status": "open"}),
        lambda found: [a for a in found if a["client_id"] == client_id] or None,
    )
    for alert in alerts:
        yield from _call(
            Call("acknowledge_alert", "notifications", "POST", f"/alerts/{alert['id']}/acknowledge", *SUPERVISOR,
                 tolerate=(409,))
        )  # fmt: skip
    record = yield from _call(Call("review_client", "intake", "GET", f"/clients/{client_id}", *SUPERVISOR))
    for flag in record["risk_flags"]:
        if flag["open"]:
            yield from _call(
                Call("clear_flag", "intake", "POST", f"/clients/{client_id}/risk-flags/{flag['id']}/clear",
                     *SUPERVISOR, body={"reason": "Assessed; safety plan in place (simulated)"})
            )  # fmt: skip


def _call(call: Call) -> Generator[Step, Response, Any]:
    response = yield call
    if response.status not in call.expect + call.tolerate:
        raise GaveUp(call.name)
    return response.body


def _poll(call: Call, found: Callable[[Any], T | None]) -> Generator[Step, Response, T]:
    for _ in range(POLL_ATTEMPTS):
        response = yield call
        if response.status in call.expect:
            value = found(response.body)
            if value is not None:
                return value
        elif response.status not in call.tolerate:
            break
        yield Pause(POLL_INTERVAL)
    raise GaveUp(call.name)
