"""The fault run's report, from a made-up outcome: clean 503s apart from the errors that count, lost
and duplicated effects summed, each fault's restart and recovery."""

from __future__ import annotations

from simulator.report import Recorder
from tests.chaos import report
from tests.chaos.faults import Fault
from tests.chaos.ledger import Ledger
from tests.chaos.run import FULL_FAULTS, Outcome, Plan


def outcome(failures: list[dict], ledger: Ledger) -> Outcome:
    fault = Fault("broker", "kafka", killed_at=100.0, restarted_at=100.5, recovered_at=104.0, reachable_at=102.5)
    unmended = Fault("database", "mongo", killed_at=200.0, restarted_at=201.0)
    summary = Recorder().summary(60.0, {})
    plan = Plan(60, 5, 10, 4, FULL_FAULTS)
    return Outcome(plan, summary, ledger, [fault, unmended], failures, {200: 90, 503: 2}, 60.0, 20.0)


def test_clean_503s_are_told_apart_from_500s_and_calls_never_answered():
    failures = [
        {"status": 503, "error": None},
        {"status": 503, "error": None},
        {"status": 500, "error": None},
        {"status": 0, "error": "URLError"},
    ]
    result = outcome(failures, Ledger())
    assert result.client_errors == {"503 (clean)": 2, "500": 1, "no answer (URLError)": 1}
    assert result.bad_errors == 2


def test_lost_and_duplicated_effects_are_summed_and_shown():
    ledger = Ledger(
        produced={"intake.events": 10},
        expected={"sessions": 4},
        consumed={"sessions": 3},
        lost={"sessions": ["e1"]},
        unpublished={"intake": 2},
        duplicates={"episodes": 1, "alerts": 0},
        emails_twice=1,
    )
    result = report.as_dict(outcome([], ledger))
    assert result["events"]["total_lost"] == 3
    assert result["events"]["total_duplicates"] == 2
    assert result["unrecovered_faults"] == 1
    assert [f["recovery_seconds"] for f in result["faults"]] == [3.5, None]
    text = report.markdown(result)
    assert "| **lost** | **3** |" in text and "| **duplicate effects** | **2** |" in text
    assert "| broker | kafka | 0.5 | 3.5 | 2.0 | 1.5 |" in text
    assert result["max_resume_after_broker_answered_seconds"] == 1.5


def test_a_call_dropped_by_the_web_process_killed_under_it_is_told_apart_and_nothing_else_is():
    kill = Fault("web_master", "sessions_web", killed_at=300.0, restarted_at=300.6, recovered_at=304.0)
    failures = [
        {"at": 300.02, "service": "sessions", "status": 0, "error": "RemoteDisconnected"},  # in flight
        {"at": 300.05, "service": "sessions", "status": 0, "error": "ConnectionRefusedError"},  # port closed
        {"at": 300.05, "service": "intake", "status": 0, "error": "RemoteDisconnected"},  # another service
        {"at": 350.00, "service": "sessions", "status": 0, "error": "RemoteDisconnected"},  # long after
    ]
    result = Outcome(
        Plan(60, 5, 10, 4, FULL_FAULTS), Recorder().summary(60.0, {}), Ledger(), [kill], failures, {}, 60.0, 1.0
    )
    assert result.client_errors == {
        "dropped in flight by a killed web process (RemoteDisconnected)": 1,
        "no answer (ConnectionRefusedError)": 1,
        "no answer (RemoteDisconnected)": 2,
    }
    assert result.bad_errors == 3
