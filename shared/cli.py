"""`ipt`: the platform's operator command (tokens for the local stack, topics, readiness)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from shared.auth import issue_token
from shared.config import DEFAULT_PORTS, SERVICES, Settings, jwt_secret, kafka_bootstrap_servers
from shared.roles import ROLES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ipt", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    token = commands.add_parser("token", help="print a signed bearer token for the local stack")
    token.add_argument("--sub", required=True, help="the user id the token speaks for")
    token.add_argument("--role", required=True, choices=ROLES)
    token.add_argument("--hours", type=float, default=8.0, help="lifetime (default 8)")
    token.set_defaults(run=_token)

    topics = commands.add_parser("topics", help="Kafka topics")
    topics.add_argument("action", choices=["create", "list"])
    topics.set_defaults(run=_topics)

    dlq = commands.add_parser("dlq", help="dead-letter topics: list parked messages or replay them")
    dlq.add_argument("action", choices=["list", "replay"])
    dlq.add_argument("topic", help="the dead-letter topic, e.g. intake.events.dlq")
    dlq.set_defaults(run=_dlq)

    ready = commands.add_parser("wait-ready", help="wait until every service's /readyz answers 200")
    ready.add_argument("--timeout", type=float, default=180.0)
    ready.add_argument("--stay", action="store_true", help="keep running afterwards (for a Procfile)")
    ready.set_defaults(run=_wait_ready)

    check_ports = commands.add_parser("check-ports", help="fail, naming each one, if a port `make run` needs is taken")
    check_ports.set_defaults(run=_check_ports)

    supervise = commands.add_parser(
        "supervise", help="run a Procfile's processes, restarting whichever dies (what `make run` uses)"
    )
    supervise.add_argument("names", nargs="*", help="only these processes (default: all)")
    supervise.add_argument("-f", "--procfile", type=Path, default=Path("deploy/local/Procfile"))
    supervise.add_argument("--scale", action="append", default=[], metavar="KIND=N",
                           help="N of each process named KIND or ending in _KIND, e.g. worker=2")  # fmt: skip
    supervise.add_argument("--grace", type=float, default=10.0, help="seconds from SIGTERM to SIGKILL (default 10)")
    supervise.add_argument("--pid-dir", type=Path, help="write each process's group id here as <name>.pid")
    supervise.set_defaults(run=_supervise)

    from shared.cli_users import register as register_user_commands

    register_user_commands(commands)
    from simulator.cli import register as register_simulate_command

    register_simulate_command(commands)
    from services.sessions.entrypoints.cli import register as register_sessions_commands

    register_sessions_commands(commands)
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    return run(args)


def _token(args: argparse.Namespace) -> int:
    print(issue_token(jwt_secret(dict(os.environ)), args.sub, args.role, timedelta(hours=args.hours)))
    return 0


def _topics(args: argparse.Namespace) -> int:
    from shared.kafka import ensure_topics
    from shared.topics import TOPICS

    bootstrap = kafka_bootstrap_servers(dict(os.environ))
    if args.action == "create":
        created = ensure_topics(bootstrap)
        print(json.dumps({"created": created, "declared": [t.name for t in TOPICS]}))
    else:
        for spec in TOPICS:
            print(f"{spec.name}\tpartitions={spec.partitions}\t{spec.config}")
    return 0


def _dlq(args: argparse.Namespace) -> int:
    from shared import dlq

    bootstrap = kafka_bootstrap_servers(dict(os.environ))
    if args.action == "replay":
        print(json.dumps({"replayed": dlq.replay(bootstrap, args.topic)}))
        return 0
    for message in dlq.list_parked(bootstrap, args.topic):
        # Metadata only: message bodies hold client data and do not belong in a terminal log.
        print(json.dumps({"offset": message.offset, **message.headers}))
    return 0


def _supervise(args: argparse.Namespace) -> int:
    from shared import supervisor

    try:
        return supervisor.main(args.procfile, args.names, args.scale, args.grace, args.pid_dir)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2


def _check_ports(args: argparse.Namespace) -> int:
    from shared import preflight

    try:
        ports = preflight.required_ports(os.environ)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 1
    problems = [
        f"port {port} is set for more than one process: {', '.join(names)}" for port, names in preflight.clashes(ports)
    ]
    problems += [preflight.describe_taken(name, port) for name, port in preflight.taken_ports(ports)]
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def service_urls() -> dict[str, str]:
    return {name: f"http://127.0.0.1:{Settings.from_env(name).port}" for name in SERVICES}


def _wait_ready(args: argparse.Namespace) -> int:
    urls = service_urls()
    deadline = time.monotonic() + args.timeout
    pending = dict(urls)
    while pending and time.monotonic() < deadline:
        pending = {name: url for name, url in pending.items() if not _ready(url)}
        if pending:
            time.sleep(1)
    if pending:
        print(f"not ready after {args.timeout:.0f}s: {', '.join(sorted(pending))}", file=sys.stderr)
        return 1
    targets = _wait_for_targets(deadline=time.monotonic() + MONITORING_WAIT_SECONDS)
    _announce(urls, targets)
    if args.stay:
        _sleep_forever()
    return 0


def _ready(url: str) -> bool:
    try:
        # Not a finding (bandit B310): the URL is one of service_urls(), http://127.0.0.1:<port>, never input
        with urllib.request.urlopen(f"{url}/readyz", timeout=3) as response:  # nosec B310
            status: int = response.status
            return status == 200
    except (urllib.error.URLError, OSError):
        return False


# Prometheus scrapes every 15 s: its first round over every target is done well within this.
MONITORING_WAIT_SECONDS = 45.0


def _wait_for_targets(deadline: float) -> tuple[int, int, list[str]] | None:
    """Until Prometheus sees every target up (or the deadline passes): what it sees last."""
    from shared.monitoring import targets_up

    while True:
        seen = targets_up(os.environ)
        if (seen is not None and seen[1] and not seen[2]) or time.monotonic() >= deadline:
            return seen
        time.sleep(1)


def _monitoring_lines(targets: tuple[int, int, list[str]] | None) -> list[str]:
    from shared.monitoring import DASHBOARD_PATH, alertmanager_url, prometheus_url

    prometheus, alertmanager = prometheus_url(os.environ), alertmanager_url(os.environ)
    if targets is None:
        state = "not answering: see its log above"
    else:
        up, total, down = targets
        state = f"{up} of {total} targets up" + (f"; down: {', '.join(down)}" if down else "")
    return [
        f"  {'prometheus':<14} {prometheus}   ({state}; alert rules at {prometheus}/alerts)",
        f"  {'alertmanager':<14} {alertmanager}   (alerts by severity, e-mailed to ops through the mail sink)",
        f"  {'dashboard':<14} {prometheus}{DASHBOARD_PATH}",
    ]


def _announce(urls: dict[str, str], targets: tuple[int, int, list[str]] | None = None) -> None:
    lines = ["", "IPT platform is ready:"]
    lines += [f"  {name:<14} {url}   (API docs: {url}/docs)" for name, url in urls.items()]
    mail_dir, smtp_port = os.environ.get("MAIL_DIR", ".local/mail"), os.environ.get("SMTP_PORT", "1025")
    sms_dir, sms_port = os.environ.get("SMS_DIR", ".local/sms"), os.environ.get("SMS_PORT", "8025")
    lines += [
        f"  {'mail sink':<14} smtp://127.0.0.1:{smtp_port}   (every e-mail lands in {mail_dir}/new)",
        f"  {'sms stand-in':<14} http://127.0.0.1:{sms_port}   (every text message lands in {sms_dir})",
    ]
    lines += _monitoring_lines(targets)
    lines += [
        "",
        "Get a token:   .venv/bin/ipt token --sub you@example.org --role intake",
        'Use it:        curl -H "Authorization: Bearer $TOKEN" '
        f"http://127.0.0.1:{DEFAULT_PORTS['intake']}/api/v1/clients/<id>",
        "Stop:          Ctrl-C",
        "",
    ]
    print("\n".join(lines), flush=True)


def _sleep_forever() -> None:
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    sys.exit(main())
