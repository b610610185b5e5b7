"""What happens to each simulated client, decided up front from the seed: pure, no I/O, no clock.

Client `i` of seed `s` draws from its own generator (`Random(f"{s}:{i}")`), so it is the same
client whatever the number of clients in the run. The shares below are a plausible outpatient
clinic's, not data: most screen positive for depression, a minority show suicide risk, most
consent and start a course of weekly IPT sessions, most improve, some stall, a few get worse.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from simulator.names import fake_name

PROGRAM_SHARES = {"mental_health": 0.45, "substance_use": 0.25, "co_occurring": 0.30}
CHANNEL_SHARES = {"sms": 0.6, "email": 0.3, "none": 0.1}
# Baseline screenings each program asks for (intake's work queue asks the same).
BASELINE = {
    "mental_health": ("phq9", "gad7"),
    "substance_use": ("phq9", "audit", "dast10"),
    "co_occurring": ("phq9", "gad7", "audit", "dast10"),
}
PROBLEM_AREAS = ("grief", "role_dispute", "role_transition", "interpersonal_deficits")
DISPUTE_STAGES = ("renegotiation", "impasse", "dissolution")  # a role dispute is named with its stage
TRAJECTORY_SHARES = {"improving": 0.65, "stalled": 0.25, "worsening": 0.10}
DEPRESSED_SHARE = 0.75  # PHQ-9 at or above 10 at intake
ITEM9_SHARE = 0.12  # PHQ-9 item 9 above 0 at intake: an urgent risk flag
CSSRS_SHARE = 0.06  # a C-SSRS screen with moderate risk: a high flag
SUBSTANCE_POSITIVE_SHARE = 0.6  # AUDIT or DAST-10 positive in the substance-use programs
CONSENT_SHARE = 0.92  # the rest never consent and are not admitted
INVENTORY_SHARE = 0.8  # an interpersonal inventory recorded before admission
SELF_REPORT_SHARE = 0.3  # clients who also send a PHQ-9 between sessions
CLIENTS_PER_CLINICIAN = 8
SUPERVISOR_ID = "sim-supervisor"  # supervises every simulated clinician: reviews their clients' risk


@dataclass(frozen=True)
class Measure:
    instrument: str
    answers: tuple[Any, ...]
    extras: dict[str, Any] = field(default_factory=dict)

    def body(self) -> dict[str, Any]:
        return {"instrument": self.instrument, "answers": list(self.answers), "extras": dict(self.extras)}

    def screening_body(self) -> dict[str, Any]:
        """Intake's screening request carries the extras beside the answers."""
        return {"instrument": self.instrument, "answers": list(self.answers), **self.extras}

    @property
    def shows_risk(self) -> bool:
        if self.instrument == "phq9":
            return bool(self.answers[8])
        return self.instrument == "cssrs_screen" and any(answer is True for answer in self.answers)


@dataclass(frozen=True)
class SessionPlan:
    number: int
    attended: bool
    measures: tuple[Measure, ...] = ()
    self_report: Measure | None = None  # sent by the client after this session


@dataclass(frozen=True)
class ClientPlan:
    index: int
    given_name: str
    family_name: str
    date_of_birth: date
    program: str
    preferred_channel: str
    contact: dict[str, str]
    referral_date: date
    screenings: tuple[Measure, ...]
    consents: bool
    inventory: dict[str, Any] | None
    primary_area: str
    dispute_stage: str | None
    trajectory: str
    clinician: str
    sessions: tuple[SessionPlan, ...]

    @property
    def admitted(self) -> bool:
        return self.consents

    @property
    def problem_areas(self) -> dict[str, Any]:
        primary = {"area": self.primary_area}
        return {"primary": primary if self.dispute_stage is None else primary | {"stage": self.dispute_stage}}

    @property
    def closed_reason(self) -> str:
        attended = sum(1 for s in self.sessions if s.attended)
        return "completed" if attended * 2 >= len(self.sessions) else "dropped_out"

    def registration(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "given_name": self.given_name,
            "family_name": self.family_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "program": self.program,
            "contact": self.contact,
            "preferred_channel": self.preferred_channel,
            "referral": {"source": "Simulated referral", "date": self.referral_date.isoformat()},
            # Names repeat between runs and seeds: these are different people, not duplicates.
            "allow_duplicate": True,
        }
        return body


@dataclass(frozen=True)
class ClinicianPlan:
    id: str
    name: str

    def profile(self) -> dict[str, Any]:
        every_hour = [["00:00", "23:59"]]
        days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        return {
            "id": self.id,
            "name": self.name,
            "email": f"{self.id}@sim.example.org",
            "time_zone": "UTC",
            "working_hours": {day: every_hour for day in days},
            "caseload_limit": 2 * CLIENTS_PER_CLINICIAN,
            "programs": list(PROGRAM_SHARES),
            "supervisor": SUPERVISOR_ID,
        }


@dataclass(frozen=True)
class ClinicPlan:
    seed: int
    run: str
    clinicians: tuple[ClinicianPlan, ...]
    clients: tuple[ClientPlan, ...]


def plan_clinic(seed: int, clients: int, today: date, run: str = "", sessions_per_course: int = 12) -> ClinicPlan:
    """Every decision of a run. `run` tells one run's clinicians from another's (their diaries
    would clash); the same seed, run and date give the same plan."""
    count = max(1, -(-clients // CLIENTS_PER_CLINICIAN))
    clinicians = tuple(
        ClinicianPlan(id=f"sim-dr-{seed}-{run}{k}", name=f"Dr {fake_name(random.Random(f'{seed}:dr{k}'))[1]}")
        for k in range(count)
    )
    return ClinicPlan(
        seed=seed,
        run=run,
        clinicians=clinicians,
        clients=tuple(
            plan_client(seed, i, today, clinicians[i % count].id, sessions_per_course) for i in range(clients)
        ),
    )


def plan_client(seed: int, index: int, today: date, clinician: str, sessions_per_course: int = 12) -> ClientPlan:
    rng = random.Random(f"{seed}:{index}")
    given, family = fake_name(rng)
    program = _pick(rng, PROGRAM_SHARES)
    channel = _pick(rng, CHANNEL_SHARES)
    born = today - timedelta(days=rng.randint(18 * 365, 70 * 365))
    slug = f"{given}.{family}{index}".lower()
    contact = {"email": f"{slug}@sim.example.org", "phone": f"+1555{rng.randint(0, 9_999_999):07d}"}
    baseline_phq9 = rng.randint(10, 24) if rng.random() < DEPRESSED_SHARE else rng.randint(0, 9)
    baseline_gad7 = max(0, min(21, baseline_phq9 - 3 + rng.randint(-3, 4)))
    item9 = rng.randint(1, 2) if rng.random() < ITEM9_SHARE else 0
    screenings = [_phq9(rng, baseline_phq9, item9)]
    if "gad7" in BASELINE[program]:
        screenings.append(_gad7(rng, baseline_gad7))
    if "audit" in BASELINE[program]:
        screenings.append(_audit(rng, rng.random() < SUBSTANCE_POSITIVE_SHARE))
        screenings.append(_dast10(rng, rng.random() < SUBSTANCE_POSITIVE_SHARE))
    if rng.random() < CSSRS_SHARE:
        screenings.append(Measure("cssrs_screen", (True, True, True, False, False, False)))
    area = rng.choice(PROBLEM_AREAS)
    stage = rng.choice(DISPUTE_STAGES) if area == "role_dispute" else None
    trajectory = _pick(rng, TRAJECTORY_SHARES)
    attendance = rng.choice((0.95, 0.9, 0.85, 0.6))
    return ClientPlan(
        index=index,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        program=program,
        preferred_channel=channel,
        contact=contact,
        referral_date=today - timedelta(days=rng.randint(0, 14)),
        screenings=tuple(screenings),
        consents=rng.random() < CONSENT_SHARE,
        inventory=_inventory(rng, area, stage, today) if rng.random() < INVENTORY_SHARE else None,
        primary_area=area,
        dispute_stage=stage,
        trajectory=trajectory,
        clinician=clinician,
        sessions=_course(rng, sessions_per_course, baseline_phq9, baseline_gad7, trajectory, attendance),
    )


def _course(
    rng: random.Random, count: int, phq9: int, gad7: int, trajectory: str, attendance: float
) -> tuple[SessionPlan, ...]:
    """Weekly sessions with PHQ-9 and GAD-7 at each one attended, moving along the trajectory."""
    reports = rng.random() < SELF_REPORT_SHARE
    plans = []
    for number in range(1, count + 1):
        progress = number / count
        attended = number == 1 or rng.random() < attendance
        depression = _along(rng, phq9, trajectory, progress, 27)
        anxiety = _along(rng, gad7, trajectory, progress, 21)
        # A few worsening clients show thoughts of self-harm late in the course.
        item9 = 1 if trajectory == "worsening" and progress > 0.6 and rng.random() < 0.3 else 0
        measures = (_phq9(rng, max(depression, item9), item9), _gad7(rng, anxiety)) if attended else ()
        report = None
        if reports and attended and number % 3 == 0:
            report = _phq9(rng, _along(rng, phq9, trajectory, progress, 27), 0)
        plans.append(SessionPlan(number=number, attended=attended, measures=measures, self_report=report))
    return tuple(plans)


def _along(rng: random.Random, baseline: int, trajectory: str, progress: float, top: int) -> int:
    change = {"improving": -0.65 * baseline, "stalled": -0.1 * baseline, "worsening": 0.45 * (top - baseline)}
    return max(0, min(top, round(baseline + change[trajectory] * progress + rng.randint(-2, 2))))


def _spread(rng: random.Random, total: int, items: int, top: int) -> list[int]:
    """`items` answers from 0 to `top` adding up to `total` (capped at what they can hold)."""
    answers = [0] * items
    for _ in range(min(total, items * top)):
        answers[rng.choice([i for i, value in enumerate(answers) if value < top])] += 1
    return answers


def _phq9(rng: random.Random, total: int, item9: int) -> Measure:
    answers = _spread(rng, max(0, total - item9), 8, 3) + [item9]
    return Measure("phq9", tuple(answers), {"difficulty": min(3, sum(answers) // 7)})


def _gad7(rng: random.Random, total: int) -> Measure:
    return Measure("gad7", tuple(_spread(rng, total, 7, 3)))


def _audit(rng: random.Random, positive: bool) -> Measure:
    if not positive:  # monthly or less, one or two drinks, never six: questions 4-8 skipped
        return Measure("audit", (1, 0, 0, 0, 0, 0, 0, 0, 0, 0))
    answers = [rng.randint(2, 4), rng.randint(1, 4), rng.randint(1, 4)] + [rng.randint(0, 2) for _ in range(5)]
    answers += [rng.choice((0, 2, 4)), rng.choice((2, 4))]
    return Measure("audit", tuple(answers))


def _dast10(rng: random.Random, positive: bool) -> Measure:
    answers = [False] * 10
    answers[2] = True  # "always able to stop": scored in reverse
    if positive:
        for item in rng.sample([0, 1, 3, 4, 5, 6, 7, 8, 9], rng.randint(3, 7)):
            answers[item] = True
    return Measure("dast10", tuple(answers))


def _inventory(rng: random.Random, area: str, stage: str | None, today: date) -> dict[str, Any]:
    people = (("partner", "spouse"), ("sister", "sibling"), ("friend", "friend"), ("manager", "work"))
    chosen = rng.sample(people, rng.randint(1, 3))
    return {
        "relationships": [
            {"person": person, "relationship": kind, "closeness": rng.randint(1, 5)} for person, kind in chosen
        ],
        "life_events": [{"description": "A change at home", "when": (today - timedelta(days=60)).isoformat()}],
        "problem_areas": {"primary": {"area": area} if stage is None else {"area": area, "stage": stage}},
        "notes": "Simulated inventory",
    }


def _pick(rng: random.Random, shares: dict[str, float]) -> str:
    return rng.choices(list(shares), weights=list(shares.values()))[0]
