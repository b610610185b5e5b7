"""`ipt simulate`: a seeded stream of synthetic clients against the running platform."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from shared.config import SERVICES, jwt_secret


def register(commands: Any) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="play a clinic's synthetic clients (fake names) through the public APIs and sum up every call",
        description=(
            "Registers synthetic clients (every family name starts with 'Sim-'), screens, consents, admits "
            "and treats them through the four services' APIs, with tokens signed by the local secret "
            "(IPT_JWT_SECRET, or the checkout's own). Courses are dated in the past, so weeks of a clinic "
            "pass in minutes."
        ),
    )
    simulate.add_argument("--clients", type=int, default=10, help="how many clients (default 10)")
    simulate.add_argument("--seed", type=int, default=1, help="the same seed plays the same clients (default 1)")
    pace = simulate.add_mutually_exclusive_group()
    pace.add_argument("--rate", type=float, help="open loop: this many calls a second, each on its own schedule")
    pace.add_argument("--as-fast-as-possible", action="store_true", help="each client's next call once answered")
    simulate.add_argument("--concurrency", type=int, default=4, help="clients at a time without --rate (default 4)")
    simulate.add_argument("--duration", type=float, help="stop after this many seconds")
    simulate.add_argument("--sessions", type=int, default=12, help="sessions per course (default 12)")
    simulate.add_argument("--report", type=Path, help="also write the summary here as JSON")
    for service in SERVICES:
        simulate.add_argument(f"--base-url-{service}", help=f"default http://127.0.0.1:${service.upper()}_PORT")
    simulate.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from simulator.clinic import Clinic, Endpoints, Tokens
    from simulator.transport import UrllibTransport

    if args.rate is not None and args.rate <= 0:
        print("--rate must be above 0", file=sys.stderr)
        return 2
    env = dict(os.environ)
    bases = {service: getattr(args, f"base_url_{service}") for service in SERVICES}
    clinic = Clinic(
        args.seed,
        UrllibTransport(),
        Endpoints.local(env, **bases),
        Tokens(jwt_secret(env)),
        sessions_per_course=args.sessions,
    )
    summary = clinic.run(args.clients, rate=args.rate, duration=args.duration, concurrency=args.concurrency)
    print(summary.to_text())
    if args.report is not None:
        args.report.write_text(summary.to_json() + "\n")
    return 1 if summary.error_count else 0
