"""The interpersonal inventory form: important people, recent life events, problem areas and notes."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from services.intake.entrypoints.ui.forms.problem_areas import (
    PROBLEM_AREA_LABELS,
    PROBLEM_AREA_ORDER,
    problem_area_values,
    problem_areas_body,
)
from services.intake.entrypoints.ui.forms.rows import filled_rows
from shared.staff_ui.forms import text

RELATIONSHIP_FIELDS = (
    "person",
    "relationship",
    "closeness",
    "supportive",
    "conflictual",
    "recent_changes",
    "wished_changes",
)
EVENT_FIELDS = ("description", "when")
RELATIONSHIP_LABELS = {
    "person": "Who",
    "relationship": "Relationship",
    "closeness": "Closeness",
    "supportive": "Supportive aspects",
    "conflictual": "Conflicts",
    "recent_changes": "Recent changes",
    "wished_changes": "Changes wished for",
}
EVENT_LABELS = {"description": "What happened", "when": "When"}
NEW_PEOPLE, NEW_EVENTS = 3, 2  # the empty rows a new inventory starts with


def assessment_body(form: MultiDict, people: int, events: int) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The API body, and for each list the on-screen row of every submitted entry."""
    relationships, rel_rows = filled_rows(form, "relationships", RELATIONSHIP_FIELDS, people)
    for row in relationships:
        for name in ("person", "relationship", "closeness"):  # required: missing, not blank
            if row[name] == "":
                del row[name]
    life_events, event_rows = filled_rows(form, "life_events", EVENT_FIELDS, events)
    for event in life_events:
        if not event["description"]:
            del event["description"]
        event["when"] = event["when"] or None
    body = {
        "relationships": relationships,
        "life_events": life_events,
        "problem_areas": problem_areas_body(form),
        "notes": text(form, "notes"),
    }
    return body, {"relationships": rel_rows, "life_events": event_rows}


def assessment_order(people: int, events: int) -> list[str]:
    order = ["relationships"]
    for index in range(people):
        order += [f"relationships.{index}.{name}" for name in RELATIONSHIP_FIELDS]
    order.append("life_events")
    for index in range(events):
        order += [f"life_events.{index}.{name}" for name in EVENT_FIELDS]
    return order + PROBLEM_AREA_ORDER + ["notes"]


def assessment_labels(people: int, events: int) -> dict[str, str]:
    labels = {
        "relationships": "Important people",
        "life_events": "Recent life events",
        "notes": "Notes",
        **PROBLEM_AREA_LABELS,
    }
    for index in range(people):
        for name, label in RELATIONSHIP_LABELS.items():
            labels[f"relationships.{index}.{name}"] = f"Person {index + 1}: {label.lower()}"
    for index in range(events):
        for name, label in EVENT_LABELS.items():
            labels[f"life_events.{index}.{name}"] = f"Life event {index + 1}: {label.lower()}"
    return labels


def editing(assessment) -> tuple[dict[str, Any], int, int]:
    """The form's values and row counts to start from: blank, or the recorded inventory plus an empty row."""
    if assessment is None:
        return {}, NEW_PEOPLE, NEW_EVENTS
    return (
        assessment_values(assessment),
        max(NEW_PEOPLE, len(assessment.relationships) + 1),
        max(NEW_EVENTS, len(assessment.life_events) + 1),
    )


def assessment_values(assessment) -> dict[str, Any]:
    """An existing assessment as form values, to edit it."""
    values: dict[str, Any] = {}
    for index, rel in enumerate(assessment.relationships):
        for name in RELATIONSHIP_FIELDS:
            values[f"relationships.{index}.{name}"] = str(getattr(rel, name) or "")
    for index, event in enumerate(assessment.life_events):
        values[f"life_events.{index}.description"] = event.description
        values[f"life_events.{index}.when"] = event.when.isoformat() if event.when else ""
    values.update(problem_area_values(assessment.problem_areas))
    values["notes"] = assessment.notes
    return values
