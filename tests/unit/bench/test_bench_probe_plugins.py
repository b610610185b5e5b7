"""The consumer's and the relay's probes plug into the bench when their modules exist: called with
the arguments their signatures name, Figures taken as they are, anything else kept as reported."""

from __future__ import annotations

import sys
import types

import pytest

from tests.bench import pipeline
from tests.bench.figures import Figure


@pytest.fixture
def probes(monkeypatch):
    installed = {}

    def install(name: str, **functions) -> None:
        module = types.ModuleType(name)
        for function_name, function in functions.items():
            setattr(module, function_name, function)
        monkeypatch.setitem(sys.modules, name, module)
        installed[name] = module

    monkeypatch.setattr(pipeline, "PLUGINS", ("bench_probe_consumer", "bench_probe_relay", "bench_probe_absent"))
    return install


def test_each_probe_gets_only_the_arguments_it_names_and_its_results_are_kept(probes):
    calls = []

    def measure(db, bootstrap, records=10):
        calls.append((db, bootstrap, records))
        return [{"benchmark": "relay.publish", "per_second": 900}]

    figure = Figure("consumer batched", 500.0, "events/s")
    probes("bench_probe_relay", measure=measure)
    probes("bench_probe_consumer", figures=lambda bootstrap_servers: [figure])
    found, reported = pipeline.plugin_results("broker:9092", "the-db", "mongodb://x", 300)
    assert calls == [("the-db", "broker:9092", 300)]
    assert found == [figure]
    assert reported == {"bench_probe_relay": [{"benchmark": "relay.publish", "per_second": 900}]}


def test_a_module_without_a_probe_function_is_reported_not_run(probes):
    probes("bench_probe_consumer", helper=lambda: None)
    found, reported = pipeline.plugin_results("broker:9092", "the-db", "mongodb://x", 300)
    assert found == []
    assert reported == {"bench_probe_consumer": "not run: no figures/measure/probe/run function"}
