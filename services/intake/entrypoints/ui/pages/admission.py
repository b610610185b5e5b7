"""Admitting a client to an IPT track, once consent to treatment is recorded."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from services.intake import handlers
from services.intake.entrypoints import commands
from services.intake.entrypoints.access import viewer
from services.intake.entrypoints.schemas import AdmissionSchema
from services.intake.entrypoints.ui.blueprint import page, ui
from services.intake.entrypoints.ui.forms.admission import ADMISSION_ORDER, CHECKBOX_GROUPS, admission_body
from services.intake.entrypoints.ui.forms.errors import REFUSALS, form_keys, ordered, refusal_errors
from services.intake.entrypoints.ui.forms.problem_areas import problem_area_values
from services.intake.entrypoints.ui.pages.client_record import back_to_client
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.service import dependencies
from shared.staff_ui.forms import form_values, request_key


@ui.route("/clients/<client_id>/admission", methods=["GET", "POST"])
def admission(client_id: str) -> Any:
    repos = dependencies().repos
    client_record = handlers.get_client(client_id, repos)
    # What is missing is shown before anyone fills the form in, not discovered after.
    gaps = handlers.admission_gaps(client_id, current_principal().role, utcnow().date(), repos)
    if request.method == "GET":
        values: dict[str, Any] = {group: [] for group in CHECKBOX_GROUPS}
        if client_record.assessment is not None:  # the inventory proposed the problem areas
            values.update(problem_area_values(client_record.assessment.problem_areas))
        return page("admission.html", client=client_record, values=values, errors={}, gaps=gaps)
    values = form_values(request.form, multi=CHECKBOX_GROUPS)
    try:
        loaded = AdmissionSchema().load(admission_body(request.form))
        admitted = commands.admit(client_id, loaded, dependencies(), request_key())
    except REFUSALS as refusal:
        errors = form_keys(refusal_errors(refusal))
    else:
        done = "Client admitted. Sessions will offer times that match the preferences."
        if handlers.may_open(viewer(), admitted, repos):
            return back_to_client(client_id, done)
        # Intake staff hand an admitted client over: the record is the clinical team's from now on.
        flash(f"{done} The clinical team keeps the record from now on.", "success")
        return redirect(url_for("ui.queue"))
    return page(
        "admission.html", 422, client=client_record, values=values, errors=ordered(errors, ADMISSION_ORDER), gaps=gaps
    )
