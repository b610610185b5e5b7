import json

import pytest

from simulator.report import ERROR, EXPECTED_REFUSAL, OK, Recorder, percentile


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(100, 0, -1)]
    assert [percentile(values, p) for p in (50, 90, 95, 99, 100)] == [50.0, 90.0, 95.0, 99.0, 100.0]
    assert percentile([0.25], 99) == 0.25
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    with pytest.raises(ValueError):
        percentile([], 50)


def test_the_summary_counts_calls_by_outcome_latency_by_type_and_errors_by_status():
    recorder = Recorder()
    for ms in range(1, 101):
        recorder.call("register", 201, OK, ms / 1000)
    recorder.call("poll_episode", 200, OK, 0.002)
    recorder.call("self_report", 404, EXPECTED_REFUSAL, 0.003)
    recorder.call("admit", 500, ERROR, 0.5)
    recorder.call("admit", 0, ERROR, 1.0)
    recorder.journey("discharged")
    summary = recorder.summary(10.0, {"seed": 1})
    register = summary.calls["register"]
    assert register["count"] == 100 and register["outcomes"] == {OK: 100}
    assert register["latency_ms"] == {"p50": 50.0, "p90": 90.0, "p95": 95.0, "p99": 99.0, "max": 100.0}
    assert summary.calls["self_report"]["outcomes"] == {EXPECTED_REFUSAL: 1}
    assert summary.errors == [{"call": "admit", "status": 0, "count": 1}, {"call": "admit", "status": 500, "count": 1}]
    assert (summary.total_calls, summary.error_count) == (104, 2)
    loaded = json.loads(summary.to_json())
    assert loaded["error_count"] == 2 and loaded["journeys"] == {"discharged": 1} and loaded["settings"] == {"seed": 1}
    text = summary.to_text()
    assert "104 calls in 10.0 s" in text and "admit: HTTP 500 × 1" in text and "HTTP no answer × 1" in text
