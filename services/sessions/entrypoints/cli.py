"""`ipt announce-teams`: sessions announces every clinician's supervisor again, so intake, outcomes
and notifications learn teams they never heard of (profiles made before they followed teams, or a
service's copy lost). Each keeps the newest news, so announcing again is always safe."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(commands: Any) -> None:
    announce = commands.add_parser(
        "announce-teams",
        help="sessions announces every clinician's supervisor again (sessions.clinician.supervisor_changed)",
    )
    announce.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from services.sessions import bootstrap, handlers
    from shared.config import Settings
    from shared.envelope import utcnow
    from shared.service import service_database

    deps = bootstrap.real_dependencies(service_database(Settings.from_env("sessions")))
    announced = handlers.announce_teams(utcnow(), deps.uow(), deps.repos)
    print(json.dumps({"clinicians": announced}))
    return 0
