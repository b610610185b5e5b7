"""Words staff read for the platform's shared codes, and the (code, words) options of form choices."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from shared.vocabulary import (
    CLOSED_REASONS,
    FREQUENCIES,
    MODALITIES,
    PHASES,
    PROBLEM_AREAS,
    PROGRAMS,
    SESSION_STATUSES,
    TRACKS,
)

PROGRAM_LABELS = {
    "mental_health": "Mental health",
    "substance_use": "Substance use",
    "co_occurring": "Co-occurring (mental health and substance use)",
}
AREA_LABELS = {
    "grief": "Grief",
    "role_dispute": "Role dispute",
    "role_transition": "Role transition",
    "interpersonal_deficits": "Interpersonal deficits",
}
TRACK_LABELS = {"individual": "Individual", "group": "Group"}
PHASE_LABELS = {
    "initial": "Initial",
    "middle": "Middle",
    "termination": "Termination",
    "maintenance": "Maintenance",
}
MODALITY_LABELS = {"in_person": "In person", "video": "Video", "phone": "Phone"}
FREQUENCY_LABELS = {"weekly": "Weekly", "fortnightly": "Every two weeks"}
SESSION_STATUS_LABELS = {
    "scheduled": "Scheduled",
    "attended": "Attended",
    "no_show": "Did not attend",
    "cancelled": "Cancelled",
}
OUTCOME_STATUS_LABELS = {
    "response": "Response (PHQ-9 down by half or more)",
    "remission": "Remission (PHQ-9 below 5)",
    "recovery": "Recovery (below caseness on PHQ-9 and GAD-7)",
}
OUTCOME_ALERT_LABELS = {
    "reliable_deterioration": "Reliable deterioration",
    "off_track": "Off track: no reliable improvement yet",
    "phq9_item9_positive": "PHQ-9 question 9 newly above “not at all”",
    "measures_missed": "Measures missed in several sessions in a row",
}
CLOSED_REASON_LABELS = {"completed": "Completed", "dropped_out": "Dropped out", "referred_on": "Referred on"}


def options(codes: Iterable[str], labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """The codes in the domain's order (the order staff see them), each with its words."""
    return [(code, labels[code]) for code in codes]


PROGRAM_OPTIONS = options(PROGRAMS, PROGRAM_LABELS)
AREA_OPTIONS = options(PROBLEM_AREAS, AREA_LABELS)
TRACK_OPTIONS = options(TRACKS, TRACK_LABELS)
PHASE_OPTIONS = options(PHASES, PHASE_LABELS)
MODALITY_OPTIONS = options(MODALITIES, MODALITY_LABELS)
FREQUENCY_OPTIONS = options(FREQUENCIES, FREQUENCY_LABELS)
CLOSED_REASON_OPTIONS = options(CLOSED_REASONS, CLOSED_REASON_LABELS)
STATUS_OPTIONS = options(SESSION_STATUSES, SESSION_STATUS_LABELS)
