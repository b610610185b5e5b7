"""The IPT intake assessment: interpersonal inventory, life events, proposed problem areas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from shared.errors import Invalid
from shared.vocabulary import DEFICITS, DISPUTE_STAGES, PROBLEM_AREAS, ROLE_DISPUTE


@dataclass(frozen=True)
class Relationship:
    person: str  # how the client refers to them ("my sister"), not necessarily a name
    relationship: str
    closeness: int  # 1 (distant) to 5 (very close)
    supportive: str = ""
    conflictual: str = ""
    recent_changes: str = ""
    wished_changes: str = ""


@dataclass(frozen=True)
class LifeEvent:
    description: str
    when: date | None = None


@dataclass(frozen=True)
class ProblemArea:
    area: str
    stage: str | None = None  # role disputes only


@dataclass(frozen=True)
class ProblemAreaPolicy:
    """Which problem areas a program may choose as a focus.

    Some IPT manuals treat interpersonal deficits (or "sensitivity") as a complicating factor
    rather than a focus, so the fourth area is a per-program setting.
    """

    deficits_programs: frozenset[str] | None = None  # None: every program may choose it

    def allowed(self, program: str) -> tuple[str, ...]:
        if self.deficits_programs is None or program in self.deficits_programs:
            return PROBLEM_AREAS
        return tuple(area for area in PROBLEM_AREAS if area != DEFICITS)


# The default policy: every program may choose every problem area.
EVERY_AREA_ALLOWED = ProblemAreaPolicy()


@dataclass(frozen=True)
class ProblemAreas:
    primary: ProblemArea
    secondary: ProblemArea | None = None

    def check(self, allowed: tuple[str, ...] = PROBLEM_AREAS) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for key, area in (("primary", self.primary), ("secondary", self.secondary)):
            if area is None:
                continue
            if area.area not in allowed:
                errors[f"{key}.area"] = [f"Must be one of: {', '.join(allowed)}."]
            elif area.area == ROLE_DISPUTE and area.stage not in DISPUTE_STAGES:
                errors[f"{key}.stage"] = [f"A role dispute needs its stage: {', '.join(DISPUTE_STAGES)}."]
            elif area.area != ROLE_DISPUTE and area.stage is not None:
                errors[f"{key}.stage"] = ["Only a role dispute has a stage."]
        if self.secondary is not None and self.secondary.area == self.primary.area:
            errors["secondary.area"] = ["The secondary problem area must differ from the primary one."]
        return errors


@dataclass(frozen=True)
class Assessment:
    relationships: tuple[Relationship, ...]
    life_events: tuple[LifeEvent, ...]
    problem_areas: ProblemAreas
    assessed_by: str
    assessed_at: datetime
    notes: str = ""

    def __post_init__(self) -> None:
        errors = self.problem_areas.check()
        if not self.relationships:
            errors["relationships"] = ["Record at least one important person."]
        for index, rel in enumerate(self.relationships):
            if not 1 <= rel.closeness <= 5:
                errors[f"relationships.{index}.closeness"] = ["Closeness is rated 1 to 5."]
            if not rel.person.strip():
                errors[f"relationships.{index}.person"] = ["Say who this person is."]
        for index, event in enumerate(self.life_events):
            if event.when is not None and event.when > self.assessed_at.date():
                errors[f"life_events.{index}.when"] = ["A life event cannot be in the future."]
        if errors:
            raise Invalid(errors)
