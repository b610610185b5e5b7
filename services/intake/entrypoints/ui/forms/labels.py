"""Words for stored codes, shown to staff, and the (code, words) options of the choices on the forms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shared.vocabulary import (
    CHANNELS,
    DAY_PARTS,
    DISPUTE_STAGES,
    PROBLEM_AREAS,
    PROGRAMS,
    RISK_URGENCIES,
    SEXES_AT_BIRTH,
    TRACKS,
    WEEKDAYS,
)

PROGRAM_LABELS = {
    "mental_health": "Mental health",
    "substance_use": "Substance use",
    "co_occurring": "Co-occurring (mental health and substance use)",
}
CHANNEL_LABELS = {"sms": "Text message (SMS)", "email": "Email", "none": "No reminders"}
SEX_LABELS = {"male": "Male", "female": "Female", "other": "Other", "unknown": "Unknown"}
AREA_LABELS = {
    "grief": "Grief",
    "role_dispute": "Role dispute",
    "role_transition": "Role transition",
    "interpersonal_deficits": "Interpersonal deficits",
}
STAGE_LABELS = {"renegotiation": "Renegotiation", "impasse": "Impasse", "dissolution": "Dissolution"}
TRACK_LABELS = {"individual": "Individual", "group": "Group"}
DAY_LABELS = {day: day.capitalize() for day in WEEKDAYS}
TIME_LABELS = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}
URGENCY_LABELS = {"urgent": "Urgent — assess today", "high": "High"}
CLOSENESS_LABELS = {1: "1 — distant", 2: "2", 3: "3 — moderately close", 4: "4", 5: "5 — very close"}


def _options(codes: Iterable[str], labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """The codes in the domain's order (the order staff see them), each with its words."""
    return [(code, labels[code]) for code in codes]


PROGRAM_OPTIONS = _options(PROGRAMS, PROGRAM_LABELS)
CHANNEL_OPTIONS = _options(CHANNELS, CHANNEL_LABELS)
SEX_OPTIONS = _options(SEXES_AT_BIRTH, SEX_LABELS)
AREA_OPTIONS = _options(PROBLEM_AREAS, AREA_LABELS)
STAGE_OPTIONS = _options(DISPUTE_STAGES, STAGE_LABELS)
TRACK_OPTIONS = _options(TRACKS, TRACK_LABELS)
DAY_OPTIONS = _options(WEEKDAYS, DAY_LABELS)
TIME_OPTIONS = _options(DAY_PARTS, TIME_LABELS)
URGENCY_OPTIONS = _options(RISK_URGENCIES, URGENCY_LABELS)
CLOSENESS_OPTIONS = [(str(n), label) for n, label in CLOSENESS_LABELS.items()]

STAGE_FILTER_OPTIONS = [
    ("risk", "Open risk flags"),
    ("new", "New referrals: no screening yet"),
    ("screening", "Screenings under way"),
    ("ready", "Ready for consent or admission"),
]
