from datetime import date

import pytest

from shared.instruments import INSTRUMENTS
from simulator.names import is_simulated
from simulator.scenario import plan_client, plan_clinic

TODAY = date(2026, 12, 1)


def every_measure(plan):
    for client in plan.clients:
        yield from client.screenings
        for session in client.sessions:
            yield from session.measures
            if session.self_report is not None:
                yield session.self_report


def test_the_same_seed_plans_the_same_clinic_and_another_seed_another():
    assert plan_clinic(7, 30, TODAY, "run-") == plan_clinic(7, 30, TODAY, "run-")
    assert plan_clinic(7, 30, TODAY, "run-").clients != plan_clinic(8, 30, TODAY, "run-").clients


def test_a_client_is_the_same_whatever_the_number_of_clients():
    few, many = plan_clinic(3, 5, TODAY), plan_clinic(3, 50, TODAY)
    assert [c.registration() for c in few.clients] == [c.registration() for c in many.clients[:5]]
    assert plan_client(3, 4, TODAY, "dr") == plan_client(3, 4, TODAY, "dr")


def test_every_name_is_marked_as_simulated():
    plan = plan_clinic(1, 200, TODAY)
    assert all(is_simulated(c.family_name) for c in plan.clients)
    assert all(c.contact["email"].endswith("@sim.example.org") for c in plan.clients)


def test_every_answer_is_one_the_instruments_accept():
    measures = list(every_measure(plan_clinic(11, 120, TODAY)))
    assert len(measures) > 1000
    for measure in measures:
        INSTRUMENTS[measure.instrument].score(measure.answers, measure.extras)  # raises on a bad answer


@pytest.mark.parametrize("seed", [1, 2])
def test_the_shares_look_like_a_clinic(seed):
    clients = plan_clinic(seed, 400, TODAY).clients
    phq9 = [INSTRUMENTS["phq9"].score(c.screenings[0].answers, c.screenings[0].extras) for c in clients]
    positive = sum(result.positive for result in phq9) / len(clients)
    at_risk = sum(any(m.shows_risk for m in c.screenings) for c in clients) / len(clients)
    kinds = ("improving", "stalled", "worsening")
    trajectories = {kind: sum(c.trajectory == kind for c in clients) / len(clients) for kind in kinds}
    admitted = sum(c.admitted for c in clients) / len(clients)
    assert 0.6 < positive < 0.9 and 0.08 < at_risk < 0.3 and 0.85 < admitted < 0.98
    assert trajectories["improving"] > trajectories["stalled"] > trajectories["worsening"] > 0.03
    no_shows = sum(not s.attended for c in clients for s in c.sessions)
    assert 0 < no_shows < 0.3 * sum(len(c.sessions) for c in clients)


def test_improving_clients_end_lower_and_worsening_ones_higher():
    clients = plan_clinic(5, 300, TODAY).clients

    def change(client):
        first = INSTRUMENTS["phq9"].score(client.screenings[0].answers, client.screenings[0].extras).total
        last = next(m for s in reversed(client.sessions) for m in s.measures if m.instrument == "phq9")
        return INSTRUMENTS["phq9"].score(last.answers, last.extras).total - first

    by_kind = {
        kind: sum(change(c) for c in clients if c.trajectory == kind) / sum(c.trajectory == kind for c in clients)
        for kind in ("improving", "worsening")
    }
    assert by_kind["improving"] < -4 and by_kind["worsening"] > 2


def test_clinicians_share_the_clients_and_each_run_has_its_own():
    plan = plan_clinic(2, 20, TODAY, "a-")
    assert {c.clinician for c in plan.clients} == {c.id for c in plan.clinicians}
    assert not {c.id for c in plan.clinicians} & {c.id for c in plan_clinic(2, 20, TODAY, "b-").clinicians}


def test_every_body_passes_intakes_own_rules():
    from services.intake.domain.assessment import ProblemArea, ProblemAreas
    from services.intake.entrypoints.schemas import AssessmentSchema, ConsentSchema, RegisterClientSchema

    for client in plan_clinic(12, 150, TODAY).clients:
        RegisterClientSchema().load(client.registration())  # raises naming every bad field
        ConsentSchema().load({"kind": "treatment", "signed_on": client.referral_date.isoformat()})
        if client.inventory is not None:
            AssessmentSchema().load(client.inventory)
        areas = ProblemAreas(ProblemArea(**client.problem_areas["primary"]))
        assert areas.check() == {}, client.problem_areas
