"""From HTML form fields to API-shaped bodies, and from error maps back to form fields.

Form fields are named by the dotted key the schemas and the domain use in their errors
("contact.phone", "answers.3", "relationships.0.closeness"), so one name links a value, its
input and its error message.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from services.intake.domain.admission import DAYS, TIMES, TRACKS
from services.intake.domain.assessment import DISPUTE_STAGES, PROBLEM_AREAS
from services.intake.domain.client import CHANNELS, PROGRAMS, SEXES
from services.intake.domain.risk import URGENCIES
from shared.instruments import Instrument
from shared.instruments.model import BOOLEAN, CHOICE, SCALE

Errors = dict[str, list[str]]

# Words for stored codes, shown to staff.
PROGRAM_LABELS = {"mental_health": "Mental health", "substance_use": "Substance use",
                  "co_occurring": "Co-occurring (mental health and substance use)"}
CHANNEL_LABELS = {"sms": "Text message (SMS)", "email": "Email", "none": "No reminders"}
SEX_LABELS = {"male": "Male", "female": "Female", "other": "Other", "unknown": "Unknown"}
AREA_LABELS = {"grief": "Grief", "role_dispute": "Role dispute", "role_transition": "Role transition",
               "interpersonal_deficits": "Interpersonal deficits"}
STAGE_LABELS = {"renegotiation": "Renegotiation", "impasse": "Impasse", "dissolution": "Dissolution"}
TRACK_LABELS = {"individual": "Individual", "group": "Group"}
DAY_LABELS = {day: day.capitalize() for day in DAYS}
TIME_LABELS = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}
URGENCY_LABELS = {"urgent": "Urgent — assess today", "high": "High"}
CLOSENESS_LABELS = {1: "1 — distant", 2: "2", 3: "3 — moderately close", 4: "4", 5: "5 — very close"}

PROGRAM_OPTIONS = [(p, PROGRAM_LABELS[p]) for p in PROGRAMS]
CHANNEL_OPTIONS = [(c, CHANNEL_LABELS[c]) for c in CHANNELS]
SEX_OPTIONS = [(s, SEX_LABELS[s]) for s in SEXES]
AREA_OPTIONS = [(a, AREA_LABELS[a]) for a in PROBLEM_AREAS]
STAGE_OPTIONS = [(s, STAGE_LABELS[s]) for s in DISPUTE_STAGES]
TRACK_OPTIONS = [(t, TRACK_LABELS[t]) for t in TRACKS]
DAY_OPTIONS = [(d, DAY_LABELS[d]) for d in DAYS]
TIME_OPTIONS = [(t, TIME_LABELS[t]) for t in TIMES]
URGENCY_OPTIONS = [(u, URGENCY_LABELS[u]) for u in URGENCIES]
CLOSENESS_OPTIONS = [(str(n), label) for n, label in CLOSENESS_LABELS.items()]

# Marshmallow's generic messages, said in plain words for a person filling in a form.
PLAIN_MESSAGES = {
    "Missing data for required field.": "This is required.",
    "Field may not be null.": "This is required.",
    "Not a valid date.": "Enter a real date.",
    "Not a valid email address.": "Enter an email address like name@example.org.",
    "Not a valid integer.": "Choose one of the options.",
}


# What to do about a missing answer, by field key (or its last part), in the GOV.UK style.
REQUIRED_WORDS = {
    "given_name": "Enter the given name.", "family_name": "Enter the family name.",
    "date_of_birth": "Enter the date of birth.", "program": "Choose the program.",
    "preferred_channel": "Choose how the client wants reminders.", "track": "Choose a track.",
    "problem_areas.primary.area": "Choose the primary problem area.",
    "problem_areas.secondary.area": "Choose the secondary problem area, or None.",
    "person": "Say who this person is.", "relationship": "Say how they are related to the client.",
    "closeness": "Choose how close they are, from 1 to 5.", "description": "Say what happened.",
    "signed_on": "Enter the date it was signed.", "reason": "Say why the flag is cleared.",
}
REQUIRED = {"Missing data for required field.", "Field may not be null."}


def plain(key: str, message: str) -> str:
    if message in REQUIRED:
        return REQUIRED_WORDS.get(key) or REQUIRED_WORDS.get(key.rsplit(".", 1)[-1]) or "This is required."
    return PLAIN_MESSAGES.get(message, message)


# -- errors --------------------------------------------------------------------------------------
def flatten_errors(messages: Any, prefix: str = "") -> Errors:
    """{"contact": {"phone": [...]}, "relationships": {0: {...}}} -> {"contact.phone": [...], ...}."""
    flat: Errors = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_form"
            for sub_key, sub_messages in flatten_errors(value, name).items():
                flat.setdefault(sub_key, []).extend(sub_messages)
    elif isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            flat[prefix or "_form"] = [plain(prefix, m) for m in messages]
        else:
            for index, value in enumerate(messages):
                for sub_key, sub_messages in flatten_errors(value, f"{prefix}.{index}").items():
                    flat.setdefault(sub_key, []).extend(sub_messages)
    else:
        flat[prefix or "_form"] = [plain(prefix, str(messages))]
    return flat


def ordered(errors: Errors, order: Iterable[str]) -> Errors:
    """Errors in the order the fields appear on the page (unknown keys last), for the summary."""
    position = {key: index for index, key in enumerate(order)}
    return dict(sorted(errors.items(), key=lambda item: (position.get(item[0], len(position)), item[0])))


def field_id(key: str) -> str:
    return "f-" + key.replace(".", "-").replace("_", "-")


def error_id(key: str) -> str:
    return "e-" + key.replace(".", "-").replace("_", "-")


def hint_id(key: str) -> str:
    return "h-" + key.replace(".", "-").replace("_", "-")


# -- reading forms --------------------------------------------------------------------------------
def text(form: MultiDict, key: str) -> str:
    return (form.get(key) or "").strip()


def optional(form: MultiDict, key: str) -> str | None:
    return text(form, key) or None


def form_values(form: MultiDict, multi: Iterable[str] = ()) -> dict[str, Any]:
    """What the person typed, to show again next to the errors (lists for checkbox groups)."""
    values: dict[str, Any] = {key: form.get(key, "") for key in form.keys() if key != "csrf_token"}
    for key in multi:
        values[key] = form.getlist(key)
    return values


def registration_body(form: MultiDict) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for key in ("given_name", "family_name", "date_of_birth", "program", "preferred_channel"):
        if text(form, key):
            body[key] = text(form, key)
    body["sex_at_birth"] = optional(form, "sex_at_birth")
    body["contact"] = {"email": optional(form, "contact.email"), "phone": optional(form, "contact.phone")}
    body["referral"] = {key: optional(form, f"referral.{key}") for key in ("source", "date")
                        if optional(form, f"referral.{key}")}
    signed_on = optional(form, "treatment_consent.signed_on")
    body["treatment_consent"] = {"signed_on": signed_on} if signed_on else None
    body["allow_duplicate"] = form.get("allow_duplicate") == "yes"
    return body


REGISTRATION_ORDER = ("given_name", "family_name", "date_of_birth", "sex_at_birth", "program",
                      "contact.email", "contact.phone", "preferred_channel", "referral.source",
                      "referral.date", "treatment_consent.signed_on", "treatment_consent", "allow_duplicate")
REGISTRATION_LABELS = {
    "given_name": "Given name", "family_name": "Family name", "date_of_birth": "Date of birth",
    "sex_at_birth": "Sex at birth", "program": "Program", "contact.email": "Email address",
    "contact.phone": "Phone number", "contact": "Contact details", "preferred_channel": "Preferred channel",
    "referral.source": "Referred by", "referral.date": "Referral date", "referral": "Referral",
    "treatment_consent.signed_on": "Treatment consent signed on", "treatment_consent": "Treatment consent",
}


def consent_body(form: MultiDict) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": text(form, "kind"), "signed_by": text(form, "signed_by") or "client"}
    if text(form, "signed_on"):
        body["signed_on"] = text(form, "signed_on")
    if body["kind"] == "part2_disclosure":
        body["scope"] = optional(form, "scope")
        body["purpose"] = optional(form, "purpose")
        body["recipients"] = [line.strip() for line in (form.get("recipients") or "").splitlines() if line.strip()]
        body["expires_on"] = optional(form, "expires_on")
    return body


CONSENT_LABELS = {"kind": "Kind of consent", "signed_on": "Signed on", "signed_by": "Signed by",
                  "scope": "What may be disclosed", "recipients": "Recipients", "purpose": "Purpose",
                  "expires_on": "Expires on"}
CONSENT_ORDER = ("kind", "signed_on", "signed_by", "scope", "recipients", "purpose", "expires_on")


# -- screenings -----------------------------------------------------------------------------------
def _typed(kind: str, raw: str | None) -> Any:
    """A form answer as the instrument expects it; anything odd is passed on for the server to name."""
    if raw is None or raw == "":
        return None
    if kind == BOOLEAN:
        return {"true": True, "false": False}.get(raw, raw)
    if kind == SCALE:
        try:
            return int(raw)
        except ValueError:
            return raw
    return raw


def shown_extra_fields(instrument: Instrument) -> list:
    # Intake already knows sex at birth: the server takes it from the client record (AUDIT-C).
    return [field for field in instrument.extra_fields if field.name != "sex_at_birth"]


def screening_body(instrument: Instrument, form: MultiDict) -> dict[str, Any]:
    body: dict[str, Any] = {"instrument": instrument.code, "answers": [
        _typed(item.kind, form.get(answer_key(item.number))) for item in instrument.items]}
    for extra in shown_extra_fields(instrument):
        body[extra.name] = _typed(extra.kind if extra.kind != CHOICE else CHOICE, form.get(extra.name))
    return body


def answer_key(number: int) -> str:
    return f"answers.{number}"


def form_value(value: Any) -> str:
    """How an option value is written in a radio button: 'true'/'false' for booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def screening_labels(instrument: Instrument) -> dict[str, str]:
    labels = {answer_key(item.number): f"Question {item.number}" for item in instrument.items}
    for extra in instrument.extra_fields:
        labels[extra.name] = _short(extra.label)
    labels["answers"] = "Answers"
    return labels


def _short(label: str, limit: int = 70) -> str:
    return label if len(label) <= limit else label[: limit - 1].rsplit(" ", 1)[0] + "…"


# -- interpersonal inventory and admission ---------------------------------------------------------
RELATIONSHIP_FIELDS = ("person", "relationship", "closeness", "supportive", "conflictual", "recent_changes",
                       "wished_changes")
EVENT_FIELDS = ("description", "when")
MAX_ROWS = 30


def row_count(form: MultiDict, key: str, minimum: int) -> int:
    try:
        count = int(form.get(key, minimum))
    except ValueError:
        count = minimum
    return max(minimum, min(count, MAX_ROWS))


def _rows(form: MultiDict, prefix: str, fields: tuple[str, ...], count: int) -> tuple[list[dict], list[int]]:
    """Non-empty rows as dicts, with the on-screen index of each (empty rows are ignored)."""
    rows, positions = [], []
    for index in range(count):
        row = {name: text(form, f"{prefix}.{index}.{name}") for name in fields}
        if any(row.values()):
            rows.append(row)
            positions.append(index)
    return rows, positions


def problem_areas_body(form: MultiDict) -> dict[str, Any]:
    primary: dict[str, Any] = {"stage": optional(form, "problem_areas.primary.stage")}
    if text(form, "problem_areas.primary.area"):
        primary["area"] = text(form, "problem_areas.primary.area")
    secondary = None
    if text(form, "problem_areas.secondary.area"):
        secondary = {"area": text(form, "problem_areas.secondary.area"),
                     "stage": optional(form, "problem_areas.secondary.stage")}
    return {"primary": primary, "secondary": secondary}


def assessment_body(form: MultiDict, people: int, events: int) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The API body, and for each list the on-screen row of every submitted entry."""
    relationships, rel_rows = _rows(form, "relationships", RELATIONSHIP_FIELDS, people)
    for row in relationships:
        for name in ("person", "relationship", "closeness"):  # required: missing, not blank
            if row[name] == "":
                del row[name]
    life_events, event_rows = _rows(form, "life_events", EVENT_FIELDS, events)
    for event in life_events:
        if not event["description"]:
            del event["description"]
        event["when"] = event["when"] or None
    body = {"relationships": relationships, "life_events": life_events,
            "problem_areas": problem_areas_body(form), "notes": text(form, "notes")}
    return body, {"relationships": rel_rows, "life_events": event_rows}


# Domain errors name problem areas as "primary.stage"; the form names them "problem_areas.primary.stage".
def form_keys(errors: Errors, positions: Mapping[str, list[int]] | None = None) -> Errors:
    mapped: Errors = {}
    for key, messages in errors.items():
        parts = key.split(".")
        if parts[0] in ("primary", "secondary"):
            parts = ["problem_areas", *parts]
        if positions and parts[0] in positions and len(parts) > 1 and parts[1].isdigit():
            rows = positions[parts[0]]
            index = int(parts[1])
            if index < len(rows):
                parts[1] = str(rows[index])
        mapped.setdefault(".".join(parts), []).extend(messages)
    return mapped


def assessment_order(people: int, events: int) -> list[str]:
    order = ["relationships"]
    for index in range(people):
        order += [f"relationships.{index}.{name}" for name in RELATIONSHIP_FIELDS]
    order.append("life_events")
    for index in range(events):
        order += [f"life_events.{index}.{name}" for name in EVENT_FIELDS]
    return order + PROBLEM_AREA_ORDER + ["notes"]


PROBLEM_AREA_ORDER = ["problem_areas", "problem_areas.primary", "problem_areas.primary.area",
                      "problem_areas.primary.stage", "problem_areas.secondary", "problem_areas.secondary.area",
                      "problem_areas.secondary.stage"]
PROBLEM_AREA_LABELS = {"problem_areas": "Problem areas", "problem_areas.primary": "Primary problem area",
                       "problem_areas.primary.area": "Primary problem area",
                       "problem_areas.primary.stage": "Stage of the primary role dispute",
                       "problem_areas.secondary": "Secondary problem area",
                       "problem_areas.secondary.area": "Secondary problem area",
                       "problem_areas.secondary.stage": "Stage of the secondary role dispute"}
RELATIONSHIP_LABELS = {"person": "Who", "relationship": "Relationship", "closeness": "Closeness",
                       "supportive": "Supportive aspects", "conflictual": "Conflicts",
                       "recent_changes": "Recent changes", "wished_changes": "Changes wished for"}
EVENT_LABELS = {"description": "What happened", "when": "When"}


def assessment_labels(people: int, events: int) -> dict[str, str]:
    labels = {"relationships": "Important people", "life_events": "Recent life events", "notes": "Notes",
              **PROBLEM_AREA_LABELS}
    for index in range(people):
        for name, label in RELATIONSHIP_LABELS.items():
            labels[f"relationships.{index}.{name}"] = f"Person {index + 1}: {label.lower()}"
    for index in range(events):
        for name, label in EVENT_LABELS.items():
            labels[f"life_events.{index}.{name}"] = f"Life event {index + 1}: {label.lower()}"
    return labels


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


def problem_area_values(areas) -> dict[str, str]:
    values = {"problem_areas.primary.area": areas.primary.area,
              "problem_areas.primary.stage": areas.primary.stage or ""}
    if areas.secondary is not None:
        values["problem_areas.secondary.area"] = areas.secondary.area
        values["problem_areas.secondary.stage"] = areas.secondary.stage or ""
    return values


def admission_body(form: MultiDict) -> dict[str, Any]:
    body: dict[str, Any] = {"problem_areas": problem_areas_body(form),
                            "preferred_days": form.getlist("preferred_days"),
                            "preferred_times": form.getlist("preferred_times"),
                            "clinician_preference": optional(form, "clinician_preference")}
    if text(form, "track"):
        body["track"] = text(form, "track")
    return body


ADMISSION_ORDER = ["consent", "track", *PROBLEM_AREA_ORDER, "preferred_days", "preferred_times",
                   "clinician_preference"]
ADMISSION_LABELS = {"consent": "Treatment consent", "track": "Track", "preferred_days": "Preferred days",
                    "preferred_times": "Preferred times", "clinician_preference": "Clinician preference",
                    **PROBLEM_AREA_LABELS}
