"""The interpersonal inventory (the IPT intake assessment): people, life events and problem areas."""

from __future__ import annotations

from typing import Any

from flask import request

from services.intake import handlers
from services.intake.entrypoints import commands
from services.intake.entrypoints.schemas import AssessmentSchema
from services.intake.entrypoints.ui.blueprint import page, ui
from services.intake.entrypoints.ui.forms.assessment import (
    assessment_body,
    assessment_labels,
    assessment_order,
    editing,
)
from services.intake.entrypoints.ui.forms.errors import REFUSALS, Errors, form_keys, ordered, refusal_errors
from services.intake.entrypoints.ui.forms.rows import MAX_ROWS, row_count
from services.intake.entrypoints.ui.pages.client_record import back_to_client
from shared.service import dependencies
from shared.staff_ui.forms import form_values


@ui.route("/clients/<client_id>/assessment", methods=["GET", "POST"])
def assessment(client_id: str) -> Any:
    repos = dependencies().repos
    client_record = handlers.get_client(client_id, repos)
    if request.method == "GET":
        values, people, events = editing(client_record.assessment)
        return _assessment_page(client_record, values, people, events, {})
    form = request.form
    people = row_count(form, "relationship_rows", 1)
    events = row_count(form, "event_rows", 1)
    values = form_values(form)
    action = form.get("action", "save")
    # Adding a row sends the form without saving it, so what was typed so far stays on the page.
    if action == "add_person":
        return _assessment_page(
            client_record, values, min(people + 1, MAX_ROWS), events, {}, focus=f"relationships.{people}.person"
        )
    if action == "add_event":
        return _assessment_page(
            client_record, values, people, min(events + 1, MAX_ROWS), {}, focus=f"life_events.{events}.description"
        )
    body, positions = assessment_body(form, people, events)
    try:
        loaded = AssessmentSchema().load(body)
        commands.record_assessment(client_id, loaded, dependencies())
    except REFUSALS as refusal:
        errors = form_keys(refusal_errors(refusal), positions)
    else:
        return back_to_client(client_id, "Interpersonal inventory saved.", anchor="assessment")
    return _assessment_page(client_record, values, people, events, errors, status=422)


def _assessment_page(
    client_record,
    values: dict[str, Any],
    people: int,
    events: int,
    errors: Errors,
    status: int = 200,
    focus: str | None = None,
) -> tuple[str, int]:
    return page(
        "assessment.html",
        status,
        client=client_record,
        values=values,
        people=people,
        events=events,
        errors=ordered(errors, assessment_order(people, events)),
        labels=assessment_labels(people, events),
        focus=focus,
    )
