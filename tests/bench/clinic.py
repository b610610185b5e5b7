"""The requests the bench sends to the running stack: fictional clients (clearly fake names) and
their screenings, with and without a risk answer."""

from __future__ import annotations

from typing import Any

import requests

# PHQ-9: item 9 (thoughts of self-harm) positive raises an urgent risk flag; the other form does not.
RISK_SCREENING = {"instrument": "phq9", "answers": [1, 1, 1, 1, 0, 1, 0, 0, 2], "difficulty": 1}
PLAIN_SCREENING = {"instrument": "phq9", "answers": [1, 1, 1, 1, 0, 1, 0, 0, 0], "difficulty": 1}
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def fake_name(number: int) -> str:
    """A distinct made-up word per number (letters only): Benchba, Benchbb, …"""
    letters = ""
    while True:
        number, digit = divmod(number, len(_LETTERS))
        letters = _LETTERS[digit] + letters
        if number == 0:
            return f"Bench{letters}"


def registration(tag: str, number: int) -> dict[str, Any]:
    return {
        "given_name": fake_name(number),
        "family_name": f"Simbench {tag}",
        "date_of_birth": "1980-01-01",
        "program": "mental_health",
        "contact": {"email": f"bench-{tag}-{number}@example.org"},
        "preferred_channel": "email",
    }


def register(session: requests.Session, intake: str, headers: dict[str, str], tag: str, number: int) -> str:
    answer = session.post(f"{intake}/clients", json=registration(tag, number), headers=headers, timeout=30)
    answer.raise_for_status()
    return str(answer.json()["id"])


def screen(
    session: requests.Session, intake: str, headers: dict[str, str], client_id: str, form: dict[str, Any]
) -> dict[str, Any]:
    answer = session.post(f"{intake}/clients/{client_id}/screenings", json=form, headers=headers, timeout=30)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result
