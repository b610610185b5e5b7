"""Recording a client's consents (treatment, 42 CFR Part 2 disclosure) and revoking them."""

from __future__ import annotations

from typing import Any

from flask import request

from services.intake import handlers
from services.intake.entrypoints.schemas import ConsentSchema, RevokeConsentFormSchema
from services.intake.entrypoints.ui.blueprint import ui
from services.intake.entrypoints.ui.forms.consent import CONSENT_ORDER, consent_body, consent_form
from services.intake.entrypoints.ui.forms.errors import REFUSALS
from services.intake.entrypoints.ui.pages.client_record import back_to_client, client_form_refused
from shared.auth import current_principal
from shared.envelope import utcnow
from shared.service import dependencies
from shared.staff_ui.forms import request_key


@ui.post("/clients/<client_id>/consents")
def record_consent(client_id: str) -> Any:
    raw = consent_body(request.form)
    try:
        body = ConsentSchema().load(raw)
        deps = dependencies()
        by = current_principal().sub
        handlers.record_consent(client_id, body, by, utcnow(), deps.uow(), deps.repos, request_key())
    except REFUSALS as refusal:
        return client_form_refused(client_id, consent_form(raw["kind"]), refusal, CONSENT_ORDER)
    return back_to_client(client_id, "Consent recorded.", anchor="consents")


@ui.post("/clients/<client_id>/consents/<consent_id>/revoke")
def revoke_consent(client_id: str, consent_id: str) -> Any:
    try:
        body = RevokeConsentFormSchema().load({"reason": request.form.get("reason", "")})
        deps = dependencies()
        by = current_principal().sub
        handlers.revoke_consent(
            client_id, consent_id, by, utcnow(), deps.uow(), deps.repos, request_key(), body["reason"]
        )
    except REFUSALS as refusal:
        return client_form_refused(client_id, f"revoke-{consent_id}", refusal)
    return back_to_client(client_id, "Consent revoked.", anchor="consents")
