"""The one blueprint every workspace page registers on: the shared staff pages, set up for sessions."""

from __future__ import annotations

from pathlib import Path

from shared.roles import CLINICAL
from shared.staff_ui import NavItem, StaffUi, error_page, page, staff_blueprint

SESSIONS_DIR = Path(__file__).resolve().parents[2]

SESSIONS_UI = StaffUi(
    service="sessions",
    title="Clinician workspace",
    home="ui.today",
    home_label="Today",
    roles=CLINICAL,  # those who run IPT courses; intake staff and ops have their own pages
    templates=SESSIONS_DIR / "templates",
    sign_in_lead="Clinicians and supervisors of the IPT clinic: your schedule, caseload and client charts.",
    refused="the clinician workspace. Intake staff use the intake pages",
    nav=(
        NavItem("ui.today", "Today"),
        NavItem("ui.week", "Week"),
        NavItem("ui.caseload", "Caseload"),
        NavItem("ui.alerts", "Alerts"),
        NavItem("ui.calendar", "Calendar"),
    ),
)

ui = staff_blueprint(SESSIONS_UI)

__all__ = ["SESSIONS_UI", "error_page", "page", "ui"]
