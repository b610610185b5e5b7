"""One session: reschedule, cancel, record attendance, and document it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from services.sessions import scheduling
from services.sessions.domain.session import Session
from services.sessions.entrypoints.ui import forms, views
from services.sessions.entrypoints.ui.blueprint import page, ui
from services.sessions.entrypoints.ui.emergency import emergency_grant
from shared.envelope import utcnow
from shared.errors import Conflict, Invalid
from shared.instruments import get_instrument
from shared.service import dependencies
from shared.staff_ui.errors import Errors
from shared.staff_ui.forms import form_values
from shared.staff_ui.questionnaire import screening_labels

ATTENDANCE = {"attended": "Marked as attended.", "no_show": "Marked as did not attend."}


def _session(session_id: str) -> Session:
    return scheduling.get_session(session_id, views.viewer(), dependencies().repos)


@ui.get("/sessions/<session_id>")
def session(session_id: str) -> Any:
    return session_page(_session(session_id))


def session_page(
    found: Session,
    status: int = 200,
    errors: Errors | None = None,
    values: dict[str, Any] | None = None,
    conflicts: list[dict[str, str]] | None = None,
) -> Any:
    zone = views.zone_of(found)
    local = found.start.astimezone(zone)
    return page(
        "session.html",
        status,
        session=found,
        episode=views.chart(found.episode_id).episode,
        name=views.names([found.client_id])[found.client_id],
        zone=zone,
        started=found.start <= utcnow(),
        emergency=emergency_grant(found.client_id, found.clinician_id),  # read only under it
        errors=errors or {},
        values=values if values is not None else {"date": local.date().isoformat(), "time": local.strftime("%H:%M")},
        conflicts=conflicts or [],
    )


def _change(session_id: str, change: dict[str, Any]) -> Session:
    deps = dependencies()
    return scheduling.change_session(session_id, change, views.viewer(), utcnow(), deps.uow(), deps.repos, deps.policy)


def _back(found: Session, message: str) -> Any:
    flash(message, "success")
    return redirect(url_for("ui.session", session_id=found.id))


@ui.post("/sessions/<session_id>/reschedule")
def reschedule(session_id: str) -> Any:
    found = _session(session_id)
    values = form_values(request.form)
    try:
        moved = _change(session_id, forms.reschedule_request(request.form, views.zone_of(found)))
    except Invalid as invalid:
        return session_page(found, 422, errors=invalid.errors, values=values)
    except Conflict as refused:
        conflicts = refused.details.get("conflicts")
        if not conflicts:
            raise
        return session_page(found, 409, values=values, conflicts=conflicts)
    return _back(moved, "Session moved.")


@ui.post("/sessions/<session_id>/cancel")
def cancel(session_id: str) -> Any:
    found = _session(session_id)
    if found.status == "cancelled":  # a resent form: already done
        return _back(found, "The session is cancelled.")
    try:
        cancelled = _change(session_id, forms.cancel_request(request.form))
    except Invalid as invalid:
        return session_page(found, 422, errors=invalid.errors, values=form_values(request.form))
    late = " It was cancelled less than 24 hours ahead (a late cancellation)." if cancelled.late_cancellation else ""
    return _back(cancelled, f"The session is cancelled.{late}")


@ui.post("/sessions/<session_id>/attendance")
def attendance(session_id: str) -> Any:
    found = _session(session_id)
    outcome = request.form.get("status", "")
    if outcome not in ATTENDANCE:
        return session_page(found, 422, errors={"status": ["Choose attended or did not attend."]})
    if found.status != outcome:  # a resent form finds it already done
        found = _change(session_id, {"status": outcome})
    return _back(found, ATTENDANCE[outcome])


# -- documenting ---------------------------------------------------------------------------------
@ui.get("/sessions/<session_id>/record")
def record(session_id: str) -> Any:
    found = _session(session_id)
    return record_page(found, values=_record_values(found))


def record_page(
    found: Session, status: int = 200, errors: Errors | None = None, values: dict[str, Any] | None = None
) -> Any:
    labels = {"phase": "Phase", "focus": "Problem area worked on"}
    for code in forms.RECORD_INSTRUMENTS:
        instrument = get_instrument(code)
        labels.update(screening_labels(instrument, prefix=f"{code}.", name=instrument.name))
    return page(
        "record.html",
        status,
        session=found,
        episode=views.chart(found.episode_id).episode,
        name=views.names([found.client_id])[found.client_id],
        zone=views.zone_of(found),
        errors=errors or {},
        error_labels=labels,
        values=values or {},
    )


def _record_values(found: Session) -> dict[str, Any]:
    """An earlier record, to correct; else the phase the course is in."""
    episode = views.chart(found.episode_id).episode
    if found.record is None:
        return {"phase": episode.phase, "interventions": []}
    kept = found.record
    values: dict[str, Any] = {
        "phase": kept.phase,
        "focus": kept.focus or "",
        "interventions": [i for i in kept.interventions if i in forms.INTERVENTIONS],
        "other_intervention": "; ".join(i for i in kept.interventions if i not in forms.INTERVENTIONS),
        "homework": kept.homework,
        "risk_review": kept.risk_review,
    }
    for measure in kept.measures:
        for number, answer in enumerate(measure.answers, start=1):
            values[f"{measure.instrument}.answers.{number}"] = "" if answer is None else str(answer)
        for name, answer in measure.extras.items():
            values[f"{measure.instrument}.{name}"] = "" if answer is None else str(answer)
    return values


@ui.post("/sessions/<session_id>/record")
def save_record(session_id: str) -> Any:
    found = _session(session_id)
    values = form_values(request.form, multi=("interventions",))
    body: dict[str, Any] = {}
    try:
        body = forms.record_request(request.form)
        deps = dependencies()
        scheduling.document_session(session_id, body, views.viewer(), utcnow(), deps.uow(), deps.repos)
    except Invalid as invalid:
        return record_page(found, 422, errors=forms.record_errors(invalid.errors, body), values=values)
    flash("Session record saved.", "success")
    return redirect(url_for("ui.session", session_id=session_id))
