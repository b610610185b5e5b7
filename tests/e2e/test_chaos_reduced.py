"""A short fault run (the reduced `make chaos`): a private stack of its own under `ipt supervise`
with two workers per service, a few hundred events from the clinic simulator, and meanwhile the
broker, a consumer worker and a gunicorn worker killed with SIGKILL. Nothing may be lost or
duplicated, and no client may see a 500 or a timeout. Every wait is for a condition."""

from __future__ import annotations

from tests.chaos import report
from tests.chaos.run import REDUCED_FAULTS, Plan, run

PLAN = Plan(duration=100, rate=8, clients=80, sessions=4, faults=REDUCED_FAULTS, workers=2, seed=7)


def test_a_broker_a_worker_and_a_web_worker_killed_under_load_lose_and_repeat_nothing(tmp_path):
    outcome = run(PLAN, tmp_path / "chaos")
    result = report.as_dict(outcome)
    text = report.markdown(result)
    events = result["events"]

    assert events["total_produced"] >= 100, text
    assert events["total_lost"] == 0, (events["lost_examples"], events["unpublished"], text)
    assert events["total_duplicates"] == 0, (events["duplicate_examples"], text)
    assert all(events["consumed_by_group"][g] == n for g, n in events["expected_by_group"].items()), text
    statuses = result["statuses"]
    assert "500" not in statuses, result["failures"]
    assert not [f for f in result["failures"] if "imeout" in str(f["error"])], result["failures"]
    assert [f["kind"] for f in result["faults"]] == ["broker", "consumer_worker", "web_worker"]
    assert result["unrecovered_faults"] == 0, text
