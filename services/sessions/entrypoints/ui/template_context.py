"""The names every workspace template can use besides the shared ones and what its view passes."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any

from services.sessions.entrypoints.ui import forms
from services.sessions.entrypoints.ui.blueprint import ui
from shared.instruments import INSTRUMENTS
from shared.staff_ui import labels
from shared.staff_ui.wording import fmt_date, fmt_dt, fmt_time

URGENCY_WORDS = {"urgent": "Urgent risk flag", "high": "High risk flag"}


@ui.context_processor
def helpers() -> dict[str, Any]:
    return {
        "fmt_dt": fmt_dt,
        "fmt_date": fmt_date,
        "fmt_time": fmt_time,
        "fmt_day": fmt_day,
        "local_date": local_date,
        "labels": labels,
        "forms": forms,
        "instruments": INSTRUMENTS,
        "urgency_words": URGENCY_WORDS,
        "parse_iso": datetime.fromisoformat,
    }


def fmt_day(day: date) -> str:
    """ "Tuesday 1 December": a heading of the schedule."""
    return day.strftime("%A %d %B").replace(" 0", " ")


def local_date(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()
