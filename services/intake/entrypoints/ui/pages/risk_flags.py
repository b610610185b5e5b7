"""Raising a risk flag on a client, and clearing one after a clinician's assessment."""

from __future__ import annotations

from typing import Any

from flask import request

from services.intake import handlers
from services.intake.entrypoints.schemas import ClearFlagSchema, ManualFlagSchema
from services.intake.entrypoints.ui.blueprint import error_page, ui
from services.intake.entrypoints.ui.forms.errors import REFUSALS
from services.intake.entrypoints.ui.forms.risk_flag import FLAG_ORDER, clear_body, flag_body
from services.intake.entrypoints.ui.pages.client_record import back_to_client, client_form_refused
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.roles import RISK_CLEARERS
from shared.service import dependencies
from shared.staff_ui.forms import request_key


@ui.post("/clients/<client_id>/risk-flags")
def raise_flag(client_id: str) -> Any:
    try:
        body = ManualFlagSchema().load(flag_body(request.form))
        deps = dependencies()
        handlers.flag_risk(
            client_id,
            body["urgency"],
            body["note"],
            current_principal().sub,
            utcnow(),
            deps.uow(),
            deps.repos,
            request_key(),
        )
    except REFUSALS as refusal:
        return client_form_refused(client_id, "flag", refusal, FLAG_ORDER)
    return back_to_client(client_id, "Risk flag raised. It is now at the top of the work queue.", anchor="risk")


@ui.post("/clients/<client_id>/risk-flags/<flag_id>/clear")
def clear_flag(client_id: str, flag_id: str) -> Any:
    principal = current_principal()
    if principal.role not in RISK_CLEARERS:
        return error_page(
            403,
            "You cannot clear risk flags",
            "Only a clinician or supervisor can clear a risk flag, after assessing the client.",
        )
    try:
        body = ClearFlagSchema().load(clear_body(request.form))
        deps = dependencies()
        handlers.clear_risk(
            client_id, flag_id, body["reason"], principal, utcnow(), deps.uow(), deps.repos, request_key()
        )
    except REFUSALS as refusal:
        return client_form_refused(client_id, f"clear-{flag_id}", refusal)
    return back_to_client(client_id, "Risk flag cleared.", anchor="risk")
