"""The fault run's report: JSON for tools, Markdown for people, and the same text on the terminal."""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

from tests.chaos.run import Outcome


def as_dict(outcome: Outcome) -> dict[str, Any]:
    summary = outcome.summary
    recoveries = [f.recovery_seconds for f in outcome.faults if f.recovery_seconds is not None]
    resumes = [
        f.resumed_after_reachable_seconds for f in outcome.faults if f.resumed_after_reachable_seconds is not None
    ]
    return {
        "plan": {
            "duration_seconds": outcome.plan.duration,
            "rate": outcome.plan.rate,
            "clients": outcome.plan.clients,
            "sessions_per_course": outcome.plan.sessions,
            "workers_per_service": outcome.plan.workers,
            "seed": outcome.plan.seed,
        },
        "machine": {"cpus": _cpus(), "python": platform.python_version(), "system": platform.platform()},
        "load_seconds": round(outcome.load_seconds, 1),
        "settle_seconds": round(outcome.settle_seconds, 1),
        "calls": summary.total_calls,
        "journeys": summary.journeys,
        "statuses": {str(k): v for k, v in sorted(outcome.statuses.items())},
        "client_errors": outcome.client_errors,
        "bad_client_errors": outcome.bad_errors,
        "failures": outcome.failures,
        "events": outcome.ledger.as_dict(),
        "faults": [fault.as_dict() for fault in outcome.faults],
        "max_recovery_seconds": max(recoveries) if recoveries else None,
        "max_resume_after_broker_answered_seconds": max(resumes) if resumes else None,
        "unrecovered_faults": sum(1 for f in outcome.faults if f.recovery_seconds is None),
        "notes": outcome.notes,
    }


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def markdown(report: dict[str, Any]) -> str:
    events, plan = report["events"], report["plan"]
    lines = [
        "# Fault run (`make chaos`)",
        "",
        f"{plan['workers_per_service']} workers per service under `ipt supervise`; the clinic simulator at "
        f"{plan['rate']:g} calls/s for {plan['duration_seconds']:g} s (seed {plan['seed']}, "
        f"{plan['sessions_per_course']} sessions a course); {report['machine']['cpus']} CPUs.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| calls made | {report['calls']} |",
        f"| events produced (distinct, services' topics) | {events['total_produced']} |",
        f"| records published twice (same event id) | {events['published_twice']} |",
        "| events expected / consumed, per group | "
        + ", ".join(
            f"{g}: {events['expected_by_group'][g]}/{events['consumed_by_group'][g]}"
            for g in events["expected_by_group"]
        )
        + " |",
        f"| **lost** | **{events['total_lost']}** |",
        f"| **duplicate effects** | **{events['total_duplicates']}** |",
        f"| dead letters parked | {sum(events['parked'].values())} |",
        f"| e-mails (sent twice) | {events['emails']} ({events['emails_sent_twice']}) |",
        f"| client-visible errors | {_errors(report['client_errors'])} |",
        f"| longest recovery | {report['max_recovery_seconds']} s |",
        f"| consumers resumed after the broker answered again, at most | "
        f"{_blank(report.get('max_resume_after_broker_answered_seconds'))} s |",
        f"| settled after the load in | {report['settle_seconds']} s |",
        "",
        "Duplicate effects by kind (documents beyond the first with the same natural key): "
        + ", ".join(f"{k} {v}" for k, v in events["duplicate_effects"].items())
        + f"; episodes whose attended count disagrees with their sessions {events['attended_count_mismatches']}.",
        "",
        "| fault | process | restarted after (s) | recovered (s after restart) | broker answering after restart (s) "
        "| consumers resumed (s after the broker answered) |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {f['kind']} | {f['target']} | {f['restart_after_seconds']} | {f['recovery_seconds']} "
        f"| {_blank(f.get('reachable_after_restart_seconds'))} | {_blank(f.get('resumed_after_reachable_seconds'))} |"
        for f in report["faults"]
    ]
    lines += ["", *(f"- {note}" for note in report["notes"])]
    return "\n".join(lines) + "\n"


def _blank(value: object) -> str:
    return "" if value is None else str(value)


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{kind} × {n}" for kind, n in sorted(errors.items())) or "none"


def write(report: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=2, sort_keys=True, default=str) + "\n")
    (folder / "report.md").write_text(markdown(report))
