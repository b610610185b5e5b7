"""The bench's table and JSON: each figure beside its ceiling as a ratio, with its target met or
missed by how much. No timing: the figures here are made up."""

from __future__ import annotations

import json

from tests.bench.figures import Figure, Target, markdown_table, results_json, results_markdown

SCREENING = Figure("screening POST", 90.0, "req/s", "bare endpoint", 200.0, Target(min_ratio=0.6))
CONSUMER = Figure("consumer events/s", 600.0, "events/s", "raw consumption", 1000.0, Target(min_ratio=0.5))
P99 = Figure("flag → alert stored p99", 400.0, "ms", target=Target(max_value=250), higher_is_better=False)
FAST_P99 = Figure("flag → e-mail accepted p99", 800.0, "ms", target=Target(max_value=1000), higher_is_better=False)
REPORT = Figure("program report, 10,000 administrations", 12.5, "ms", higher_is_better=False)


def test_a_ratio_target_is_met_or_says_how_far_short_it_falls():
    assert SCREENING.ratio == 0.45
    assert SCREENING.met is False
    assert SCREENING.shortfall == "missed: 0.45× of 0.6× (30 req/s short)"
    assert CONSUMER.ratio == 0.6
    assert CONSUMER.met is True
    assert CONSUMER.shortfall == "met"


def test_a_latency_limit_is_met_or_says_by_how_much_it_is_exceeded():
    assert P99.met is False
    assert P99.shortfall == "missed: 150 ms over (1.6× the limit)"
    assert FAST_P99.met is True
    assert FAST_P99.ratio is None


def test_a_figure_without_target_or_ceiling_is_neither_met_nor_missed():
    assert REPORT.met is None
    assert REPORT.shortfall == ""
    assert REPORT.ratio is None


def test_the_table_has_one_row_per_figure_with_ceiling_ratio_target_and_verdict():
    table = markdown_table([SCREENING, P99, REPORT])
    lines = table.splitlines()
    assert lines[0] == "| figure | value | ceiling | ratio | target | verdict |"
    assert len(lines) == 2 + 3
    assert lines[2] == (
        "| screening POST | 90.0 req/s | 200 req/s (bare endpoint) | 0.45× | ≥ 0.6× | "
        "missed: 0.45× of 0.6× (30 req/s short) |"
    )
    assert lines[3] == "| flag → alert stored p99 | 400 ms | — | — | ≤ 250 ms | missed: 150 ms over (1.6× the limit) |"
    assert lines[4] == "| program report, 10,000 administrations | 12.5 ms | — | — |  |  |"


def test_the_json_keeps_value_unit_ceiling_ratio_target_and_verdict_with_the_machine():
    machine = {"cpu": "Example CPU", "cores": 2}
    document = json.loads(json.dumps(results_json(machine, [SCREENING, REPORT], ["relay: TimeoutError: slow"])))
    assert document["machine"] == machine
    screening = document["figures"][0]
    assert {k: screening[k] for k in ("value", "unit", "ceiling", "ratio", "target", "met")} == {
        "value": 90.0,
        "unit": "req/s",
        "ceiling": 200.0,
        "ratio": 0.45,
        "target": "≥ 0.6×",
        "met": False,
    }
    assert screening["verdict"].startswith("missed")
    assert document["figures"][1]["target"] is None
    assert document["problems"] == ["relay: TimeoutError: slow"]


def test_the_markdown_names_the_machine_and_the_probes_that_did_not_complete():
    text = results_markdown({"cpu": "Example CPU", "git_commit": "abc123"}, [CONSUMER], ["relay: boom"])
    assert "- cpu: Example CPU" in text
    assert "- git commit: abc123" in text
    assert "| consumer events/s | 600 events/s | 1,000 events/s (raw consumption) | 0.60× | ≥ 0.5× | met |" in text
    assert text.rstrip().endswith("- relay: boom")


def test_what_the_other_probes_report_is_listed_under_the_table():
    probes = {
        "tests.bench.relay": [{"benchmark": "relay.publish", "records": 5000, "per_second": 900}],
        "tests.bench.consumer": "not run: no figures/measure/probe/run function",
    }
    text = results_markdown({"cpu": "Example CPU"}, [CONSUMER], [], probes)
    assert "- tests.bench.relay: relay.publish: records 5000, per_second 900" in text
    assert "- tests.bench.consumer: not run: no figures/measure/probe/run function" in text
    assert results_json({}, [], [], probes)["probes"] == probes
