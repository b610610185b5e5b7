"""`make bench`: starts a broker, the database and the stack as the tests do, measures each figure
beside its ceiling in the same run, and writes bench/results.json and bench/results.md (the table,
also printed at the end). A missed target is reported, never an error: the exit status is 0 unless
the bench itself could not run. BENCH_QUICK=1 runs a short smoke version."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from shared.config import PROJECT_ROOT
from shared.db import mongo_client
from shared.kafka import ensure_topics, kafka_reachable
from tests.bench import ceilings, latency, machine, pipeline, reports, round_trips, scoring, screening
from tests.bench.figures import Figure, results_json, results_markdown
from tests.support.infra import free_port, free_port_block, kafka_process, mongo_process, wait_for
from tests.support.stack import make_stack

OUTPUT = PROJECT_ROOT / "bench"
PRODUCTION_URGENT_ESCALATION_MINUTES = 15


@dataclass(frozen=True)
class Plan:
    events: int
    wrk_rounds: int
    wrk_seconds: int
    flags_per_second: float
    flag_seconds: float
    report_sizes: tuple[int, ...]
    report_repeats: int
    scoring_repeats: int


FULL = Plan(
    events=3000,
    wrk_rounds=3,
    wrk_seconds=15,
    flags_per_second=1,
    flag_seconds=90,
    report_sizes=(10_000, 100_000),
    report_repeats=3,
    scoring_repeats=20_000,
)
QUICK = Plan(
    events=1000,
    wrk_rounds=1,
    wrk_seconds=5,
    flags_per_second=1,
    flag_seconds=20,
    report_sizes=(10_000,),
    report_repeats=3,
    scoring_repeats=2_000,
)


class Run:
    """Collects the figures; a probe that fails is reported and the others still run."""

    def __init__(self) -> None:
        self.figures: list[Figure] = []
        self.problems: list[str] = []
        self.probes: dict[str, Any] = {}

    def probe(self, name: str, measure: Callable[[], list[Figure]]) -> None:
        print(f"bench: {name}…", file=sys.stderr, flush=True)
        started = time.monotonic()
        try:
            self.figures.extend(measure())
        except Exception as error:  # noqa: BLE001 - one probe's failure must not lose the others
            traceback.print_exc()
            self.problems.append(f"{name}: {error.__class__.__name__}: {error}")
        print(f"bench: {name} took {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)


def main() -> int:
    plan = QUICK if os.environ.get("BENCH_QUICK") == "1" else FULL
    root = Path(tempfile.mkdtemp(prefix="ipt-bench-"))
    kafka_port, mongo_port = free_port(), free_port()
    kafka = kafka_process(root / "kafka", kafka_port, free_port())
    mongo = mongo_process(root / "mongo", mongo_port)
    bootstrap = f"127.0.0.1:{kafka_port}"
    mongo_uri = f"mongodb://127.0.0.1:{mongo_port}/"
    stack = make_stack(bootstrap, mongo_uri, root / "metrics", free_port_block((1, 2, 3, 4, 101, 102, 103, 104)))
    # Urgent alerts escalate on their production timing: the test stack's 12 seconds would have every
    # unacknowledged bench alert e-mail the next level several times during the run.
    stack.env["ALERT_ESCALATION_MINUTES"] = f"urgent={PRODUCTION_URGENT_ESCALATION_MINUTES}"
    run = Run()
    details: dict[str, Any] = {}
    try:
        mongo.start()
        kafka.start()
        wait_for(lambda: kafka_reachable(bootstrap) or True, 60, "kafka")
        client = mongo_client(mongo_uri)
        db = client["bench_pipeline"]
        details = machine.details(db)
        measured: list[ceilings.Ceilings] = []
        run.probe("raw ceilings", lambda: _ceilings(measured, bootstrap, db, plan.events))
        if measured:
            run.probe("consumer", lambda: pipeline.consumer_figures(bootstrap, db, measured[0], plan.events))
            run.probe("relay", lambda: pipeline.relay_figures(bootstrap, db, measured[0], plan.events))
        run.probe("consumer and relay probes", lambda: _plugins(run, bootstrap, client, mongo_uri, plan))
        ensure_topics(bootstrap)
        stack.start()
        try:
            run.probe("screening", lambda: screening.figures(stack, mongo_uri, plan.wrk_rounds, plan.wrk_seconds))
            run.probe("alert latency", lambda: latency.figures(stack, plan.flags_per_second, plan.flag_seconds))
        finally:
            stack.stop()
        run.probe("screening round trips", lambda: round_trips.figures(mongo_uri))
        run.probe("program reports", lambda: reports.figures(client, plan.report_sizes, plan.report_repeats))
        run.probe("scoring", lambda: scoring.figures(plan.scoring_repeats))
    finally:
        stack.stop()
        kafka.stop()
        mongo.stop()
    return _write(run, details, plan)


def _ceilings(into: list[ceilings.Ceilings], bootstrap: str, db: Any, events: int) -> list[Figure]:
    measured = ceilings.measure(bootstrap, db, events)
    into.append(measured)
    return [
        Figure("raw kafka-python produce", measured.produce_per_second, "records/s"),
        Figure("raw kafka-python consume", measured.consume_per_second, "records/s"),
        Figure("raw pymongo insert_one", measured.insert_per_second, "inserts/s"),
        Figure("raw pymongo per-event transaction", measured.transaction_per_second, "transactions/s"),
    ]


def _plugins(run: Run, bootstrap: str, client: Any, mongo_uri: str, plan: Plan) -> list[Figure]:
    found, reported = pipeline.plugin_results(bootstrap, client["bench_probes"], mongo_uri, plan.events)
    run.probes |= reported
    return found


def _write(run: Run, details: dict[str, Any], plan: Plan) -> int:
    plan_name = "quick (BENCH_QUICK=1)" if plan is QUICK else "full"
    details = details | {"load_average_at_end": machine.load_average(), "plan": plan_name}
    OUTPUT.mkdir(exist_ok=True)
    document = results_json(details, run.figures, run.problems, run.probes)
    (OUTPUT / "results.json").write_text(json.dumps(document, indent=2, default=str) + "\n")
    table = results_markdown(details, run.figures, run.problems, run.probes)
    (OUTPUT / "results.md").write_text(table)
    print(table)
    print(f"Written: {OUTPUT / 'results.json'} and {OUTPUT / 'results.md'}")
    return 0 if run.figures else 1


if __name__ == "__main__":
    sys.exit(main())
