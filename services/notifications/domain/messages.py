"""What messages say. Client messages carry the minimum a reminder needs — first name, date,
time, place or video link — and never a diagnosis, program, instrument, score or result; staff
e-mails say only that an alert is waiting, how urgent it is, and a link with the alert id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from services.notifications.domain.policy import Senders
from shared.vocabulary import PART2_PROGRAMS

# Stands in for a one-time link wherever a message is shown rather than sent.
LINK_PLACEHOLDER = "[link sent to the client]"
# Words that would tell anyone who sees a Part 2 client's messages what they are treated for.
REVEALING_WORDS = (
    "substance",
    "addiction",
    "alcohol",
    "drug",
    "detox",
    "rehab",
    "recovery",
    "sober",
    "opioid",
    "methadone",
    "co_occurring",
    "co-occurring",
    "dual diagnosis",
)


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def is_part2(program: str | None) -> bool:
    """Unknown counts as Part 2: the safe side when the registration has not arrived yet."""
    return program is None or program in PART2_PROGRAMS


def revealing(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in REVEALING_WORDS if word in lowered]


def when_text(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def day_text(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return f"{local:%A} {local.day} {local:%B}"


def where_text(modality: str, session_id: str, program: str | None, senders: Senders) -> str:
    if modality == "video":
        if senders.video_link:
            return f"by video: {senders.video_link.format(session_id=session_id)}"
        return "by video (the link comes from your clinician)"
    if modality == "phone":
        return "by phone (we will call you)"
    return f"at {senders.place_part2 if is_part2(program) else senders.place}"


def appointment_reminder(
    first_name: str,
    start: datetime,
    modality: str,
    session_id: str,
    program: str | None,
    senders: Senders,
    zone: ZoneInfo,
) -> Text:
    where = where_text(modality, session_id, program, senders)
    return Text(
        "Your appointment",
        f"Hi {first_name}, a reminder of your appointment on {when_text(start, zone)} {where}. "
        "If you cannot come, please let us know.",
    )


def missed_session(first_name: str, start: datetime, zone: ZoneInfo) -> Text:
    return Text(
        "We missed you",
        f"Hi {first_name}, we missed you at your appointment on {when_text(start, zone)}. "
        "Please get in touch to arrange another time.",
    )


def self_report_link(first_name: str, expires: datetime, zone: ZoneInfo, link: str = LINK_PLACEHOLDER) -> Text:
    return Text(
        "A short questionnaire before your appointment",
        f"Hi {first_name}, please fill in a short questionnaire before your next appointment: {link} "
        f"It is open until {day_text(expires, zone)}.",
    )


def self_report_reminder(first_name: str, expires: datetime, zone: ZoneInfo, link: str = LINK_PLACEHOLDER) -> Text:
    return Text(
        "Reminder: a short questionnaire",
        f"Hi {first_name}, a reminder to fill in your short questionnaire: {link} "
        f"It is open until {day_text(expires, zone)}.",
    )


def staff_alert(urgency: str | None, alert_id: str, escalated: bool, senders: Senders) -> Text:
    """The same words in-app and by e-mail; no client name, instrument, score or program.
    `urgency` None: a clinical alert from outcomes (no urgency of its own)."""
    label = f"{urgency.capitalize()} alert" if urgency else "Clinical alert"
    article = "An" if label[0] in "AEIOU" else "A"
    why = " Nobody acknowledged it in time, so it now comes to you." if escalated else ""
    link = senders.alert_link.format(alert_id=alert_id)
    return Text(f"{label} waiting", f"{article} {label.lower()} is waiting for you.{why} Open it: {link}")


def with_link(body: str, link: str | None) -> str:
    """The text as sent: a masked one-time link put back."""
    return body.replace(LINK_PLACEHOLDER, link) if link else body
