"""Administering a screening instrument to a client, and showing its scored result."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for

from services.intake import handlers
from services.intake.entrypoints import commands
from services.intake.entrypoints.schemas import ScreeningRequestSchema
from services.intake.entrypoints.ui.blueprint import page, ui
from services.intake.entrypoints.ui.emergency import emergency_grant
from services.intake.entrypoints.ui.forms.errors import REFUSALS, ordered, refusal_errors
from shared.errors import NotFound as DomainNotFound
from shared.instruments import INSTRUMENTS, InvalidAnswers
from shared.service import dependencies
from shared.staff_ui.forms import form_values, request_key
from shared.staff_ui.questionnaire import screening_body, screening_order


@ui.route("/clients/<client_id>/screenings/new/<code>", methods=["GET", "POST"])
def administer(client_id: str, code: str) -> Any:
    instrument = INSTRUMENTS.get(code)
    if instrument is None:
        raise DomainNotFound(f"instrument {code}")
    repos = dependencies().repos
    client_record = handlers.get_client(client_id, repos)
    if request.method == "GET":
        return page("screening_form.html", client=client_record, instrument=instrument, values={}, errors={})
    values = form_values(request.form)
    try:
        body = ScreeningRequestSchema().load(screening_body(instrument, request.form))
        # Scored on the server only: the page sends raw answers and shows what comes back.
        result = commands.screen(client_id, body, dependencies(), request_key())
    except (InvalidAnswers, *REFUSALS) as refusal:
        errors = refusal_errors(refusal)
    else:
        return redirect(url_for("ui.screening", client_id=client_id, screening_id=result["id"]))
    return page(
        "screening_form.html",
        422,
        client=client_record,
        instrument=instrument,
        values=values,
        errors=ordered(errors, screening_order(instrument)),
    )


@ui.get("/clients/<client_id>/screenings/<screening_id>")
def screening(client_id: str, screening_id: str) -> Any:
    repos = dependencies().repos
    found = handlers.get_screening(client_id, screening_id, repos)
    client_record = handlers.get_client(client_id, repos)
    raised = next((flag for flag in client_record.risk_flags if flag.screening_id == screening_id), None)
    return page(
        "screening_result.html",
        client=client_record,
        screening=found,
        raised=raised,
        instrument=INSTRUMENTS.get(found.instrument),
        emergency=emergency_grant(client_id),
    )
