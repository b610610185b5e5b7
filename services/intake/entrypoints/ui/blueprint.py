"""The one blueprint every intake staff page registers on: the shared staff pages, set up for intake."""

from __future__ import annotations

from pathlib import Path

from services.intake.entrypoints.access import client_gate
from services.intake.entrypoints.ui.emergency import refuse_changes_under_grant
from shared.roles import ADMIN, EMERGENCY_READERS, REGISTRARS, STAFF, SUPERVISOR
from shared.staff_ui import NavItem, StaffUi, error_page, page, staff_blueprint

INTAKE_DIR = Path(__file__).resolve().parents[2]

INTAKE_UI = StaffUi(
    service="intake",
    title="Clinic intake",
    home="ui.queue",
    home_label="Work queue",
    roles=STAFF,  # the roles the intake API serves; ops sees de-identified aggregates only
    templates=INTAKE_DIR / "templates",
    sign_in_lead="Intake staff, clinicians and supervisors of the IPT clinic.",
    refused="the intake staff pages. The operations dashboards show de-identified figures instead",
    nav=(
        NavItem("ui.queue", "Work queue"),
        NavItem("ui.register", "Register a client", REGISTRARS),
        NavItem("ui.emergency_access", "Emergency access", EMERGENCY_READERS),
        NavItem("ui.emergency_review", "Emergency access review", (SUPERVISOR, ADMIN)),
    ),
)

ui = staff_blueprint(INTAKE_UI)
# After the sign-in check: a page that would change a client read only under an emergency grant is
# refused as such; then a page naming a client the signed-in person may not know of is "not found".
ui.before_request(refuse_changes_under_grant)
ui.before_request(client_gate)

__all__ = ["INTAKE_UI", "error_page", "page", "ui"]
