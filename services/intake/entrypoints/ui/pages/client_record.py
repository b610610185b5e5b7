"""The client record page, and the two ways its forms end: back to it saved, or on it with errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import flash, redirect, request, url_for
from marshmallow import ValidationError
from werkzeug.wrappers import Response

from services.intake import handlers
from services.intake.domain.work_queue import BASELINE_SCREENINGS, due_screenings
from services.intake.entrypoints.ui.blueprint import page, ui
from services.intake.entrypoints.ui.emergency import emergency_grant
from services.intake.entrypoints.ui.forms.errors import ordered, refusal_errors
from shared.envelope import utcnow
from shared.errors import Invalid
from shared.service import dependencies
from shared.staff_ui.forms import form_values
from shared.vocabulary import PART2_PROGRAMS


@ui.get("/clients/<client_id>")
def client(client_id: str) -> Any:
    return render_client(client_id)


def render_client(client_id: str, status: int = 200, **forms_state: Any) -> tuple[str, int]:
    repos = dependencies().repos
    client = handlers.get_client(client_id, repos)
    screenings = handlers.list_screenings(client_id, repos)
    done = {s.instrument for s in screenings}
    return page(
        "client.html",
        status,
        client=client,
        screenings=screenings,
        due=due_screenings(client.registration.program, done),
        baseline=BASELINE_SCREENINGS.get(client.registration.program, ()),
        part2_allowed=client.registration.program in PART2_PROGRAMS,
        today=utcnow().date(),
        emergency=emergency_grant(client_id),  # read only under it, with its banner
        state=forms_state,
    )


def client_form_refused(
    client_id: str, form: str, refusal: ValidationError | Invalid, order: Iterable[str] = ()
) -> tuple[str, int]:
    """The client record again, with the errors and typed values of the one form on it that was refused."""
    values = form_values(request.form)
    errors = ordered(refusal_errors(refusal), order)
    return render_client(client_id, 422, form=form, errors=errors, values=values)


def back_to_client(client_id: str, done: str, anchor: str | None = None) -> Response:
    """After a change to a client: say it is done, and show the record at the changed section."""
    flash(done, "success")
    return redirect(url_for("ui.client", client_id=client_id, _anchor=anchor))
