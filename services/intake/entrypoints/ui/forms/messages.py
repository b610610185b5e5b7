"""What to do about a missing answer on intake's forms (shared/staff_ui/errors.py words the rest)."""

from __future__ import annotations

# What to do about a missing answer, by field key (or its last part), in the GOV.UK style.
REQUIRED_WORDS = {
    "given_name": "Enter the given name.",
    "family_name": "Enter the family name.",
    # A date picker sends nothing for an impossible date (31 February), so "missing" may mean that.
    "date_of_birth": "Enter the date of birth, as a real date (for example 14 July 1988).",
    "program": "Choose the program.",
    "preferred_channel": "Choose how the client wants reminders.",
    "track": "Choose a track.",
    "problem_areas.primary.area": "Choose the primary problem area.",
    "problem_areas.secondary.area": "Choose the secondary problem area, or None.",
    "person": "Say who this person is.",
    "relationship": "Say how they are related to the client.",
    "closeness": "Choose how close they are, from 1 to 5.",
    "description": "Say what happened.",
    "signed_on": "Enter the date it was signed, as a real date.",
    "reason": "Say why.",
    "scope": "Say what information may be disclosed.",
    "purpose": "Say the purpose of the disclosure.",
    "signed_by": "Say who signed: the client, or the name and role of a legal representative.",
    "urgency": "Choose how urgent the risk is.",
    "note": "Say what was said or seen.",
    "override_reason": "Say why the client is admitted anyway.",
}
