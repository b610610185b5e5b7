"""The notifications settings, read from the environment once and checked at start-up: a service
with a wrong one refuses to start and names it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from services.notifications.adapters.email import SmtpSettings
from services.notifications.adapters.sms import SmsSettings
from services.notifications.domain.messages import revealing
from services.notifications.domain.policy import ANY_PROGRAM, Policy, Senders
from services.notifications.domain.quiet_hours import QuietHours
from shared.config import DEFAULT_PORTS, centre_time_zone
from shared.vocabulary import HIGH, PROGRAMS, RISK_URGENCIES, URGENT


@dataclass(frozen=True)
class Timers:
    escalation_check_seconds: float = 30.0
    delivery_seconds: float = 1.0


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be above 0")
    return value


def _hours_list(name: str, text: str) -> tuple[float, ...]:
    try:
        hours = tuple(float(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not hours separated by '/', e.g. 24/2") from None
    if not hours or any(h <= 0 for h in hours):
        raise ValueError(f"{name}: hours before a session must be above 0")
    return hours


def reminder_hours(env: Mapping[str, str]) -> dict[str, tuple[float, ...]]:
    """REMINDER_HOURS: `24/2` for every program, with per-program entries: `24/2,substance_use=48/2`."""
    name = "REMINDER_HOURS"
    table: dict[str, tuple[float, ...]] = {ANY_PROGRAM: (24.0, 2.0)}
    for entry in filter(None, (part.strip() for part in env.get(name, "").split(","))):
        program, separator, hours = entry.rpartition("=")
        if separator and program not in PROGRAMS:
            raise ValueError(f"{name}: {program!r} is not a program ({', '.join(PROGRAMS)})")
        table[program if separator else ANY_PROGRAM] = _hours_list(name, hours)
    return table


def escalation(env: Mapping[str, str]) -> dict[str, timedelta]:
    """ALERT_ESCALATION_MINUTES: `urgent=15,high=60` (the defaults); tests shorten them."""
    name = "ALERT_ESCALATION_MINUTES"
    minutes = {URGENT: 15.0, HIGH: 60.0}
    for entry in filter(None, (part.strip() for part in env.get(name, "").split(","))):
        urgency, _, value = entry.partition("=")
        if urgency not in RISK_URGENCIES:
            raise ValueError(f"{name}: {urgency!r} is not an urgency ({', '.join(RISK_URGENCIES)})")
        minutes[urgency] = _number({name: value}, name, 0)
    return {urgency: timedelta(minutes=value) for urgency, value in minutes.items()}


def senders(env: Mapping[str, str]) -> Senders:
    defaults = Senders()
    sessions_port = env.get("SESSIONS_PORT") or str(DEFAULT_PORTS["sessions"])
    found = Senders(
        email=env.get("MAIL_FROM_CLIENTS") or defaults.email,
        email_part2=env.get("MAIL_FROM_PART2") or defaults.email_part2,
        sms=env.get("SMS_FROM") or defaults.sms,
        sms_part2=env.get("SMS_FROM_PART2") or env.get("SMS_FROM") or defaults.sms_part2,
        place=env.get("SESSION_PLACE") or defaults.place,
        place_part2=env.get("SESSION_PLACE_PART2") or env.get("SESSION_PLACE") or defaults.place_part2,
        video_link=env.get("VIDEO_LINK_TEMPLATE", defaults.video_link),
        staff_email=env.get("MAIL_FROM_STAFF") or defaults.staff_email,
        alert_link=env.get("ALERT_LINK_TEMPLATE") or f"http://127.0.0.1:{sessions_port}/ui/alerts/{{alert_id}}",
    )
    for name, value in (
        ("MAIL_FROM_PART2", found.email_part2),
        ("SMS_FROM_PART2", found.sms_part2),
        ("SESSION_PLACE_PART2", found.place_part2),
        ("VIDEO_LINK_TEMPLATE", found.video_link),
    ):
        if revealing(value):
            raise ValueError(
                f"{name} would tell substance-use clients' contacts what they are treated for: {revealing(value)}"
            )
    if "{alert_id}" not in found.alert_link:
        raise ValueError("ALERT_LINK_TEMPLATE must contain {alert_id}")
    return found


def policy(env: Mapping[str, str]) -> Policy:
    quiet = env.get("CLIENT_QUIET_HOURS", "21:00-08:00").strip()
    retry_initial, _, retry_max = env.get("DELIVERY_RETRY_SECONDS", "5/600").partition("/")
    initial = _number({"DELIVERY_RETRY_SECONDS": retry_initial}, "DELIVERY_RETRY_SECONDS", 5)
    return Policy(
        time_zone=centre_time_zone(env),
        reminder_hours=reminder_hours(env),
        missed_session_delay=timedelta(hours=_number(env, "MISSED_SESSION_FOLLOW_UP_HOURS", 1)),
        self_report_reminder_delay=timedelta(hours=_number(env, "SELF_REPORT_REMINDER_HOURS", 48)),
        quiet_hours=None if quiet.lower() in ("", "none") else QuietHours.parse(quiet),
        escalation=escalation(env),
        retry_initial=timedelta(seconds=initial),
        retry_max=timedelta(seconds=_number({"DELIVERY_RETRY_SECONDS": retry_max}, "DELIVERY_RETRY_SECONDS", 600)),
        in_flight_lease=timedelta(seconds=_number(env, "DELIVERY_LEASE_SECONDS", 120)),
        senders=senders(env),
    )


def timers(env: Mapping[str, str]) -> Timers:
    return Timers(
        escalation_check_seconds=_number(env, "ALERT_ESCALATION_CHECK_SECONDS", 30),
        delivery_seconds=_number(env, "NOTIFICATION_DELIVERY_SECONDS", 1),
    )


def smtp(env: Mapping[str, str]) -> SmtpSettings:
    """SMTP_HOST and SMTP_PORT (the local sink by default); a real relay takes SMTP_STARTTLS=true
    and SMTP_USERNAME / SMTP_PASSWORD from the environment."""
    port = env.get("SMTP_PORT", "1025")
    if not port.isdigit():
        raise ValueError(f"SMTP_PORT={port!r} is not a port number")
    return SmtpSettings(
        host=env.get("SMTP_HOST", "127.0.0.1"),
        port=int(port),
        starttls=env.get("SMTP_STARTTLS", "false").strip().lower() in ("1", "true", "yes"),
        username=env.get("SMTP_USERNAME") or None,
        password=env.get("SMTP_PASSWORD") or None,
        timeout=_number(env, "SMTP_TIMEOUT_SECONDS", 10),
        domain=env.get("MAIL_DOMAIN", "ipt.local"),
    )


def sms(env: Mapping[str, str]) -> SmsSettings:
    """SMS_API_URL (the local stand-in by default), SMS_ACCOUNT_SID and SMS_AUTH_TOKEN."""
    port = env.get("SMS_PORT", "8025")
    api_url = env.get("SMS_API_URL") or f"http://127.0.0.1:{port}"
    if not api_url.startswith(("https://", "http://")):
        # Only a web API is ever opened (never file: or another scheme urllib would follow).
        raise ValueError(f"SMS_API_URL must be an http(s) URL, got {api_url!r}")
    return SmsSettings(
        api_url=api_url,
        account=env.get("SMS_ACCOUNT_SID", "AClocal"),
        token=env.get("SMS_AUTH_TOKEN", "local"),
        timeout=_number(env, "SMS_TIMEOUT_SECONDS", 10),
    )
