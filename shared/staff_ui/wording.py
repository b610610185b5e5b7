"""Dates and times in the words staff read on the pages."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo


def fmt_dt(moment: datetime | None, zone: tzinfo = UTC) -> str:
    """An instant in the given time zone, with the zone's abbreviation (EST, BST, …)."""
    if moment is None:
        return ""
    return moment.astimezone(zone).strftime("%d %b %Y, %H:%M %Z").lstrip("0")


def fmt_date(day: date | None) -> str:
    return "" if day is None else day.strftime("%d %b %Y").lstrip("0")


def fmt_time(moment: datetime | None, zone: tzinfo = UTC) -> str:
    return "" if moment is None else moment.astimezone(zone).strftime("%H:%M")
