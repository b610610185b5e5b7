"""Registering a new client, with the check for someone already registered."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request

from services.intake import handlers
from services.intake.entrypoints import commands
from services.intake.entrypoints.schemas import RegisterClientSchema
from services.intake.entrypoints.ui.blueprint import error_page, page, ui
from services.intake.entrypoints.ui.forms.errors import REFUSALS, Errors, ordered, refusal_errors
from services.intake.entrypoints.ui.forms.registration import REGISTRATION_ORDER, registration_body
from services.intake.entrypoints.ui.pages.client_record import back_to_client
from shared.audit_api import audit_clients
from shared.auth import current_principal
from shared.roles import REGISTRARS
from shared.service import dependencies
from shared.staff_ui.forms import form_values


@ui.route("/clients/new", methods=["GET", "POST"])
def register() -> Any:
    if current_principal().role not in REGISTRARS:
        return error_page(403, "You cannot register clients", "Only intake staff register new clients.")
    if request.method == "GET":
        # One key per form shown: a double click or a resend registers the client once.
        return page("register.html", values={"request_key": uuid.uuid4().hex}, errors={}, duplicates=[])
    values = form_values(request.form)
    errors: Errors = {}
    duplicates: list = []
    try:
        body = RegisterClientSchema().load(registration_body(request.form))
        client = commands.register(body, dependencies())
    except REFUSALS as refusal:
        errors = refusal_errors(refusal)
    except handlers.PossibleDuplicate as duplicate:
        duplicates = duplicate.candidates
        audit_clients(*(candidate.id for candidate in duplicates))
    else:
        audit_clients(client.id)
        return back_to_client(
            client.id, "Client registered. Next: screenings, the interpersonal inventory and consent."
        )
    errors = ordered(errors, REGISTRATION_ORDER)
    return page("register.html", 409 if duplicates else 422, values=values, errors=errors, duplicates=duplicates)
