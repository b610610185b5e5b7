"""IPT phases: the phase of the next session, with per-program boundaries."""

from __future__ import annotations

import pytest

from services.sessions.bootstrap import phase_plans
from services.sessions.domain.phases import PhasePlan, check_planned_sessions
from shared.errors import Invalid


@pytest.mark.parametrize(
    "number, planned, phase",
    [
        (1, 12, "initial"),
        (3, 12, "initial"),
        (4, 12, "middle"),
        (9, 12, "middle"),
        (10, 12, "termination"),
        (12, 12, "termination"),
        (13, 12, "termination"),
        (13, 16, "middle"),
        (14, 16, "termination"),
    ],
)
def test_default_boundaries(number, planned, phase):
    assert PhasePlan().phase_of(number, planned) == phase


def test_boundaries_are_a_per_program_setting_checked_at_start():
    plans = phase_plans({"PHASE_BOUNDARIES": "mental_health=4/2"})
    assert plans["mental_health"].phase_of(4, 12) == "initial"
    assert plans["mental_health"].phase_of(10, 12) == "middle"
    assert "co_occurring" not in plans
    with pytest.raises(ValueError, match="unknown program"):
        phase_plans({"PHASE_BOUNDARIES": "yoga=3/3"})
    with pytest.raises(ValueError, match="room for a middle"):
        PhasePlan(4, 4)


def test_maintenance_and_the_contract():
    assert PhasePlan().phase_of(14, 12, maintenance=True) == "maintenance"
    assert check_planned_sessions(16) == 16
    for bad in (7, 17, "12", True):
        with pytest.raises(Invalid):
            check_planned_sessions(bad)
