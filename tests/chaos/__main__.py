"""`make chaos` (`python -m tests.chaos`): a fault run over a private stack; prints the report and writes
chaos/report.json and chaos/report.md. Exits 1 if anything was lost or duplicated, a client saw an
error other than a clean 503, or a fault never mended."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from shared.config import PROJECT_ROOT
from tests.chaos import report
from tests.chaos.run import FULL_FAULTS, Plan, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.chaos", description=__doc__)
    parser.add_argument("--duration", type=float, default=540.0, help="seconds of load (default 540)")
    parser.add_argument("--rate", type=float, default=12.0, help="simulator calls a second (default 12)")
    parser.add_argument("--clients", type=int, default=600, help="clients at most (default 600)")
    parser.add_argument("--sessions", type=int, default=8, help="sessions a course (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="workers per service (default 2)")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "chaos")
    args = parser.parse_args(argv)
    plan = Plan(args.duration, args.rate, args.clients, args.sessions, FULL_FAULTS, args.workers, args.seed)
    with tempfile.TemporaryDirectory(prefix="ipt-chaos-") as scratch:
        outcome = run(plan, Path(scratch), log=lambda line: print(line, flush=True))
        (args.out).mkdir(parents=True, exist_ok=True)
        log = Path(scratch) / "stack.log"
        if log.exists():
            (args.out / "stack.log").write_bytes(log.read_bytes())
    result = report.as_dict(outcome)
    report.write(result, args.out)
    print(report.markdown(result))
    print(f"written to {args.out}/report.json and report.md")
    events = result["events"]
    failed = events["total_lost"] or events["total_duplicates"] or result["bad_client_errors"]
    return 1 if failed or result["unrecovered_faults"] else 0


if __name__ == "__main__":
    sys.exit(main())
