"""Correcting a client's registration details: a typo, a new phone, another reminder channel."""

from __future__ import annotations

from typing import Any

from flask import request

from services.intake import handlers
from services.intake.domain.client import ADMITTED, Client
from services.intake.entrypoints import commands
from services.intake.entrypoints.schemas import CorrectClientSchema
from services.intake.entrypoints.ui.blueprint import page, ui
from services.intake.entrypoints.ui.forms.errors import REFUSALS, Errors, ordered, refusal_errors
from services.intake.entrypoints.ui.forms.registration import REGISTRATION_ORDER, correction_body, details_values
from services.intake.entrypoints.ui.pages.client_record import back_to_client
from services.intake.entrypoints.ui.wording import word
from shared.service import dependencies
from shared.staff_ui.forms import form_values, request_key
from shared.vocabulary import PART2_CONSENT


@ui.route("/clients/<client_id>/edit", methods=["GET", "POST"])
def edit_client(client_id: str) -> Any:
    client = handlers.get_client(client_id, dependencies().repos)
    locked = program_locked(client)
    if request.method == "GET":
        return _form(client, 200, details_values(client.registration) | {"version": str(client.version)}, {}, [])
    values = form_values(request.form)
    errors: Errors = {}
    duplicates: list[Client] = []
    try:
        body = CorrectClientSchema().load(correction_body(request.form, include_program=not locked))
        version = _version(request.form.get("version"))
        _client, changed = commands.correct(client_id, body, dependencies(), version, request_key())
    except REFUSALS as refusal:
        errors = refusal_errors(refusal)
    except handlers.PossibleDuplicate as duplicate:
        duplicates = duplicate.candidates
    else:
        what = ", ".join(word(name).lower() for name in changed) if changed else "nothing changed"
        return back_to_client(client_id, f"Details saved ({what}).")
    return _form(client, 409 if duplicates else 422, values, ordered(errors, REGISTRATION_ORDER), duplicates)


def program_locked(client: Client) -> bool:
    """The program may be corrected only before admission and with no Part 2 consent on record."""
    part2 = any(c.kind == PART2_CONSENT and c.revoked_at is None for c in client.consents)
    return client.status == ADMITTED or part2


def _form(client: Client, status: int, values: dict[str, Any], errors: Errors, duplicates: list[Client]) -> Any:
    return page(
        "client_edit.html",
        status,
        client=client,
        values=values,
        errors=errors,
        duplicates=duplicates,
        program_locked=program_locked(client),
    )


def _version(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None
