"""The platform's controlled vocabularies, defined once.

Domains check against them, API schemas and event contracts validate with them, UIs label
them: a new program or channel is added here and nowhere else.
"""

from __future__ import annotations

# Programs of the centre; substance-use records fall under 42 CFR Part 2.
PROGRAMS = ("mental_health", "substance_use", "co_occurring")
PART2_PROGRAMS = ("substance_use", "co_occurring")

# How a client wants reminders ("none": no messages at all).
CHANNELS = ("sms", "email", "none")
SEXES_AT_BIRTH = ("male", "female", "other", "unknown")

# IPT: tracks, the four problem areas and the stages of a role dispute.
TRACKS = ("individual", "group")
GRIEF, ROLE_DISPUTE, ROLE_TRANSITION, DEFICITS = "grief", "role_dispute", "role_transition", "interpersonal_deficits"
PROBLEM_AREAS = (GRIEF, ROLE_DISPUTE, ROLE_TRANSITION, DEFICITS)
DISPUTE_STAGES = ("renegotiation", "impasse", "dissolution")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_PARTS = ("morning", "afternoon", "evening")

# Suicide risk: how urgent a flag is and what raised it.
URGENT, HIGH = "urgent", "high"
RISK_URGENCIES = (URGENT, HIGH)
RISK_SOURCES = ("phq9_item9", "cssrs", "manual")
CSSRS_RISK_LEVELS = ("none", "low", "moderate", "high")

TREATMENT_CONSENT, PART2_CONSENT = "treatment", "part2_disclosure"
CONSENT_KINDS = (TREATMENT_CONSENT, PART2_CONSENT)

EPISODE_STATUSES = ("pending", "active", "completed", "closed")
# The IPT course: the phase of the next session, and why an episode closed.
PHASES = ("initial", "middle", "termination", "maintenance")
CLOSED_REASONS = ("completed", "dropped_out", "referred_on")
MODALITIES = ("in_person", "video", "phone")
FREQUENCIES = ("weekly", "fortnightly")
SESSION_STATUSES = ("scheduled", "attended", "no_show", "cancelled")
ALERT_STATUSES = ("open", "acknowledged", "resolved")
# Who an alert reaches at each level: the client's clinician (or, with none, the on-call one), then up.
ALERT_AUDIENCES = ("clinician", "on_call_clinician", "supervisor", "clinical_lead")

# Notifications: what a message is, how it goes, where it stands, and why one was given up.
NOTIFICATION_TYPES = (
    "appointment_reminder",
    "missed_session",
    "self_report_link",
    "self_report_reminder",
    "risk_alert",
    "outcome_alert",
)
NOTIFICATION_CHANNELS = ("sms", "email", "in_app")
NOTIFICATION_STATUSES = ("scheduled", "sent", "delivered", "failed", "withdrawn")
DELIVERY_FAILURES = ("no_address", "no_recipient", "rejected", "expired")

# Outcomes: where a scored measure came from, how its total moved, what it reached, what to act on.
# "self_report": answered by the client on the page of a one-time link before a session.
MEASURE_SOURCES = ("intake", "session", "outside_session", "self_report")
RELIABLE_CHANGES = ("improved", "deteriorated", "none")
OUTCOME_STATUSES = ("response", "remission", "recovery")
STATUS_CHANGES = ("reached", "lost")
OUTCOME_ALERT_KINDS = ("reliable_deterioration", "off_track", "phq9_item9_positive", "measures_missed")
# Why an offered self-report link needs no more messages.
SELF_REPORT_WITHDRAWN_REASONS = ("completed", "expired", "session_cancelled")
