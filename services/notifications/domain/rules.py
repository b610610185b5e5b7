"""Which events become which notifications: one table of rules, kept as data.

Each rule names the notification `type` (as the API lists it), who receives it, on which
channels, the template that words it, when it goes (`timing`) and what quiet hours do to it.
Handlers follow the table; changing when or how a message goes is a change here (or in a
setting the table names), not in code.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.notifications.domain.quiet_hours import EARLIER, IGNORE, LATER
from shared.vocabulary import NOTIFICATION_CHANNELS

CLIENT, STAFF = "client", "staff"
AUDIENCES = (CLIENT, STAFF)
SMS, EMAIL, IN_APP = NOTIFICATION_CHANNELS

# Who a rule addresses.
THE_CLIENT = "the client, on the channel they chose (checked again when it goes)"
CLINICIAN_OR_ON_CALL = "the client's clinician, else the on-call clinician; then up the chain"
CLINICIAN = "the episode's clinician, else the on-call clinician"

# What a rule's timing counts from (a field of the event) and how far.
AT_ONCE = "at once"


@dataclass(frozen=True)
class Timing:
    anchor: str  # the event field the times count from ("start", "available_from", or AT_ONCE)
    offsets: str  # a setting of `Policy` that holds the offsets, or "" for the anchor itself
    expires: str | None  # the event field after which the message is pointless
    if_late: str = "drop"  # a time already past when the event arrives: "drop" it, or send "now"


@dataclass(frozen=True)
class Rule:
    type: str
    audience: str
    recipient: str
    channels: tuple[str, ...]  # empty for clients: the channel they prefer when it goes
    template: str
    timing: Timing
    quiet_hours: str


@dataclass(frozen=True)
class EventRule:
    """What one event type does: notifications it withdraws (by the key it carries), then makes."""

    key: str  # the event field that names what the notifications are about
    makes: tuple[Rule, ...] = ()
    withdraws: tuple[str, ...] = ()  # notification types withdrawn for the same key first


APPOINTMENT_REMINDER = Rule(
    type="appointment_reminder",
    audience=CLIENT,
    recipient=THE_CLIENT,
    channels=(),
    template="appointment_reminder",
    timing=Timing(anchor="start", offsets="reminder_hours", expires="start"),
    quiet_hours=EARLIER,
)
MISSED_SESSION = Rule(
    type="missed_session",
    audience=CLIENT,
    recipient=THE_CLIENT,
    channels=(),
    template="missed_session",
    timing=Timing(anchor="end", offsets="missed_session_delay", expires=None, if_late="now"),
    quiet_hours=LATER,
)
SELF_REPORT_LINK = Rule(
    type="self_report_link",
    audience=CLIENT,
    recipient=THE_CLIENT,
    channels=(),
    template="self_report_link",
    timing=Timing(anchor="available_from", offsets="", expires="expires_at", if_late="now"),
    quiet_hours=LATER,
)
SELF_REPORT_REMINDER = Rule(
    type="self_report_reminder",
    audience=CLIENT,
    recipient=THE_CLIENT,
    channels=(),
    template="self_report_reminder",
    timing=Timing(anchor="available_from", offsets="self_report_reminder_delay", expires="expires_at"),
    quiet_hours=LATER,
)
RISK_ALERT = Rule(
    type="risk_alert",
    audience=STAFF,
    recipient=CLINICIAN_OR_ON_CALL,
    channels=(IN_APP, EMAIL),
    template="risk_alert",
    timing=Timing(anchor=AT_ONCE, offsets="", expires=None, if_late="now"),
    quiet_hours=IGNORE,
)
OUTCOME_ALERT = Rule(
    type="outcome_alert",
    audience=STAFF,
    recipient=CLINICIAN,
    channels=(IN_APP, EMAIL),
    template="outcome_alert",
    timing=Timing(anchor=AT_ONCE, offsets="", expires=None, if_late="now"),
    quiet_hours=IGNORE,
)

ALL_RULES = (APPOINTMENT_REMINDER, MISSED_SESSION, SELF_REPORT_LINK, SELF_REPORT_REMINDER, RISK_ALERT, OUTCOME_ALERT)

# The routing table: each event type and the notifications it makes or withdraws.
RULES: dict[str, EventRule] = {
    "sessions.session.scheduled": EventRule(key="session_id", makes=(APPOINTMENT_REMINDER,)),
    # A reschedule withdraws the reminders for the old time and makes them for the new one.
    "sessions.session.rescheduled": EventRule(
        key="session_id", withdraws=(APPOINTMENT_REMINDER.type,), makes=(APPOINTMENT_REMINDER,)
    ),
    "sessions.session.cancelled": EventRule(key="session_id", withdraws=(APPOINTMENT_REMINDER.type,)),
    "sessions.session.no_show": EventRule(
        key="session_id", withdraws=(APPOINTMENT_REMINDER.type,), makes=(MISSED_SESSION,)
    ),
    "outcomes.self_report.offered": EventRule(key="offer_id", makes=(SELF_REPORT_LINK, SELF_REPORT_REMINDER)),
    "outcomes.self_report.withdrawn": EventRule(
        key="offer_id", withdraws=(SELF_REPORT_LINK.type, SELF_REPORT_REMINDER.type)
    ),
    "intake.risk.flagged": EventRule(key="flag_id", makes=(RISK_ALERT,)),
    "outcomes.alert.raised": EventRule(key="alert_id", makes=(OUTCOME_ALERT,)),
}
