import threading
from collections import Counter
from datetime import UTC, datetime

import pytest

from shared.auth import decode_token
from simulator.client_journey import Call
from simulator.clinic import Clinic, Endpoints, Tokens
from simulator.scenario import plan_clinic
from simulator.transport import Response
from tests.unit.simulator.fake_clinic import FakeClinic, FakeClock

SECRET = "unit-test-secret-unit-test-secret"
STARTED = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
ENDPOINTS = Endpoints.local({"INTAKE_PORT": "9001"}, outcomes="http://outcomes.test/")


def played(seed: int, clients: int, **run) -> tuple[FakeClinic, Clinic]:
    fake = FakeClinic()
    clinic = Clinic(seed, fake, ENDPOINTS, Tokens(SECRET), clock=FakeClock(), started=STARTED, sessions_per_course=8)
    clinic.summary = clinic.run(clients, concurrency=1, **run)
    return fake, clinic


def names(clinic: Clinic, fake: FakeClinic) -> list[str]:
    return [url.split("/api/v1")[1] for _method, url, _body, _auth in fake.calls]


def test_the_same_seed_sends_the_same_requests_in_the_same_order():
    def requests(fake: FakeClinic) -> list[tuple[str, str, str, tuple[str, str]]]:
        # A token says when it was issued: compare who it speaks for.
        speaker = lambda auth: (lambda who: (who.role, who.sub))(decode_token(SECRET, auth.removeprefix("Bearer ")))  # noqa: E731
        return [(method, url, body, speaker(auth)) for method, url, body, auth in fake.calls]

    first, again, other = (requests(played(seed, 6)[0]) for seed in (4, 4, 5))
    assert first == again
    assert first != other


def test_a_client_goes_from_referral_to_discharge_in_order():
    plan = plan_clinic(4, 1, STARTED.date(), f"{STARTED:%Y%m%d%H%M}-", 8)
    [client] = plan.clients
    fake, clinic = played(4, 1)
    expected = (
        [("POST", "/clinicians"), ("PUT", f"/staff/{client.clinician}"), ("POST", "/clients")]
        + [("POST", "/clients/client-1/screenings")] * len(client.screenings)
        + [("POST", "/clients/client-1/consents")] * client.consents
        + [("PUT", "/clients/client-1/assessment")] * (client.inventory is not None)
    )
    sent = [(method, url.split("/api/v1")[1]) for method, url, _body, _auth in fake.calls]
    assert sent[: len(expected)] == expected
    assert ("POST", "/clients/client-1/admission") in sent
    after_admission = sent[sent.index(("POST", "/clients/client-1/admission")) + 1 :]
    assert after_admission[:4] == [
        ("GET", "/episodes?client_id=client-1"),  # pending: asked again
        ("GET", "/episodes?client_id=client-1"),
        ("PATCH", "/episodes/ep-client-1"),
        ("POST", "/episodes/ep-client-1/sessions"),
    ]
    attendance = [(m, p) for m, p in after_admission if p.startswith("/sessions/") and not p.endswith("/record")]
    assert attendance == [("PATCH", f"/sessions/s-ep-client-1-{n}") for n in range(8)]
    assert after_admission[-1] == ("PATCH", "/episodes/ep-client-1")
    assert clinic.summary.error_count == 0 and clinic.summary.journeys == {"discharged": 1}
    assert fake.calls[2][1] == "http://127.0.0.1:9001/api/v1/clients"  # INTAKE_PORT from the environment


def test_the_bodies_carry_the_plan_and_staff_tokens_say_who_acts():
    plan = plan_clinic(4, 1, STARTED.date(), f"{STARTED:%Y%m%d%H%M}-", 8)
    [client] = plan.clients
    fake, _ = played(4, 1)
    _method, _url, body, auth = fake.calls[2]
    assert f'"family_name": "{client.family_name}"' in body and client.family_name.startswith("Sim-")
    who = decode_token(SECRET, auth.removeprefix("Bearer "))
    assert (who.role, who.sub) == ("intake", "sim-intake")
    booking = next(c for c in fake.calls if c[1].endswith("/sessions") and c[0] == "POST")
    assert decode_token(SECRET, booking[3].removeprefix("Bearer ")).sub == client.clinician
    assert '"start": "2026-10-06T09:00:00+00:00"' in booking[2]  # eight weeks before the run: all in the past


def test_a_flagged_client_is_reviewed_before_admission_and_a_self_report_waits_for_outcomes():
    seed, count = 3, 40
    plan = plan_clinic(seed, count, STARTED.date(), f"{STARTED:%Y%m%d%H%M}-", 8)
    fake, clinic = played(seed, count)
    flagged = next(c for c in plan.clients if c.admitted and any(m.shows_risk for m in c.screenings))
    client_id = f"client-{flagged.index + 1}"
    sent = [url.split("/api/v1")[1] for _m, url, _b, _a in fake.calls]
    review = [
        "/alerts?status=open",
        f"/alerts/alert-{client_id}/acknowledge",
        f"/clients/{client_id}",
        f"/clients/{client_id}/risk-flags/flag-{client_id}/clear",
        f"/clients/{client_id}/admission",
    ]
    start = sent.index(review[0], sent.index(f"/clients/{client_id}/screenings"))
    assert sent[start : start + len(review)] == review
    summary = clinic.summary
    assert summary.error_count == 0 and summary.journeys.get("discharged", 0) == sum(c.admitted for c in plan.clients)
    assert summary.calls["self_report"]["outcomes"]["expected_refusal"] >= 1  # 404 until outcomes catches up
    assert summary.calls["self_report"]["outcomes"]["ok"] == sum(
        s.self_report is not None for c in plan.clients if c.admitted for s in c.sessions
    )


def test_an_unexpected_answer_ends_that_client_and_is_counted_as_an_error():
    class Failing(FakeClinic):
        def _answer(self, method, path, body, params):
            if path.endswith("/assessment"):
                return Response(500, {"message": "Internal Server Error"})
            return super()._answer(method, path, body, params)

    clinic = Clinic(9, Failing(), ENDPOINTS, Tokens(SECRET), clock=FakeClock(), started=STARTED, sessions_per_course=8)
    summary = clinic.run(5, concurrency=1)
    assert summary.errors == [{"call": "inventory", "status": 500, "count": summary.error_count}]
    assert summary.journeys["gave_up_at_inventory"] == summary.error_count > 0


def test_open_loop_calls_are_due_at_fixed_intervals_and_make_the_same_calls():
    closed, _ = played(6, 4)
    clock, fake = FakeClock(), FakeClinic()
    clinic = Clinic(6, fake, ENDPOINTS, Tokens(SECRET), clock=clock, started=STARTED, sessions_per_course=8)
    intended: list[float] = []
    send = clinic._send

    def noting(call, **kwargs):
        if "intended" in kwargs:
            intended.append(kwargs["intended"])
        return send(call, **kwargs)

    clinic._send = noting
    summary = clinic.run(4, rate=50)
    assert summary.error_count == 0 and summary.unused_slots > 0  # the polls' pauses leave slots unused
    assert Counter((m, u, b) for m, u, b, _a in fake.calls) == Counter((m, u, b) for m, u, b, _a in closed.calls)
    start = intended[0]
    slots = [round((t - start) * 50, 6) for t in intended]
    assert all(slot == int(slot) for slot in slots) and slots == sorted(set(slots))


def test_open_loop_latency_counts_from_when_the_call_was_due():
    clock = FakeClock(call_seconds=0.1)
    clinic = Clinic(1, FakeClinic(clock), ENDPOINTS, Tokens(SECRET), clock=clock, started=STARTED)
    register = Call("register", "intake", "POST", "/clients", "intake", "sim-intake", body={})
    clinic._send(register, intended=clock.now() - 2)  # due two seconds ago: queued behind slower calls
    clinic._send(register)
    assert sorted(clinic.recorder.latencies["register"]) == pytest.approx([0.1, 2.1])


def test_open_loop_stops_at_the_deadline_and_counts_the_clients_left_unfinished():
    clinic = Clinic(6, FakeClinic(), ENDPOINTS, Tokens(SECRET), clock=FakeClock(), started=STARTED)
    summary = clinic.run(50, rate=10, duration=3)
    set_up = summary.calls["add_clinician"]["count"] + summary.calls["add_staff_email"]["count"]
    assert summary.total_calls - set_up == 30  # one call due every 0.1 s for 3 s
    assert sum(summary.journeys.values()) == summary.calls["register"]["count"]
    assert summary.journeys["stopped_at_deadline"] >= 1 and "discharged" not in summary.journeys


def test_a_stop_ends_an_open_loop_run_that_has_no_deadline():
    stop = threading.Event()

    class Stopping(FakeClinic):
        def send(self, *args, **kwargs):
            if len(self.calls) >= 45:
                stop.set()
            return super().send(*args, **kwargs)

    fake = Stopping()
    clinic = Clinic(6, fake, ENDPOINTS, Tokens(SECRET), clock=FakeClock(), started=STARTED)
    summary = clinic.run(40, rate=10, stop=stop)
    assert 45 <= summary.total_calls <= 60 and summary.error_count == 0
    assert summary.journeys["stopped_at_deadline"] >= 1
