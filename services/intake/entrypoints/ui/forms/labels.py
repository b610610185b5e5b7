"""Words for stored codes, shown to staff, and the (code, words) options of the choices on the forms."""

from __future__ import annotations

from shared.staff_ui.labels import (  # noqa: F401 - the words and options staff pages share
    AREA_LABELS,
    AREA_OPTIONS,
    PROGRAM_LABELS,
    PROGRAM_OPTIONS,
    TRACK_LABELS,
    TRACK_OPTIONS,
    options,
)
from shared.vocabulary import (
    CHANNELS,
    DAY_PARTS,
    DISPUTE_STAGES,
    RISK_URGENCIES,
    SEXES_AT_BIRTH,
    WEEKDAYS,
)

CHANNEL_LABELS = {"sms": "Text message (SMS)", "email": "Email", "none": "No reminders"}
SEX_LABELS = {"male": "Male", "female": "Female", "other": "Other", "unknown": "Unknown"}
STAGE_LABELS = {"renegotiation": "Renegotiation", "impasse": "Impasse", "dissolution": "Dissolution"}
DAY_LABELS = {day: day.capitalize() for day in WEEKDAYS}
TIME_LABELS = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}
URGENCY_LABELS = {"urgent": "Urgent — assess today", "high": "High"}
CLOSENESS_LABELS = {1: "1 — distant", 2: "2", 3: "3 — moderately close", 4: "4", 5: "5 — very close"}


CHANNEL_OPTIONS = options(CHANNELS, CHANNEL_LABELS)
SEX_OPTIONS = options(SEXES_AT_BIRTH, SEX_LABELS)
STAGE_OPTIONS = options(DISPUTE_STAGES, STAGE_LABELS)
DAY_OPTIONS = options(WEEKDAYS, DAY_LABELS)
TIME_OPTIONS = options(DAY_PARTS, TIME_LABELS)
URGENCY_OPTIONS = options(RISK_URGENCIES, URGENCY_LABELS)
CLOSENESS_OPTIONS = [(str(n), label) for n, label in CLOSENESS_LABELS.items()]

STAGE_FILTER_OPTIONS = [
    ("risk", "Open risk flags"),
    ("new", "New referrals: no screening yet"),
    ("screening", "Screenings under way"),
    ("ready", "Ready for consent or admission"),
]
