"""Error messages in plain words: the schema's generic ones restated, and what to do about a missing answer."""

from __future__ import annotations

# Marshmallow's generic messages, said in plain words for a person filling in a form.
PLAIN_MESSAGES = {
    "Missing data for required field.": "This is required.",
    "Field may not be null.": "This is required.",
    "Not a valid date.": "Enter a real date.",
    "Not a valid email address.": "Enter an email address like name@example.org.",
    "Not a valid integer.": "Choose one of the options.",
}


# What to do about a missing answer, by field key (or its last part), in the GOV.UK style.
REQUIRED_WORDS = {
    "given_name": "Enter the given name.",
    "family_name": "Enter the family name.",
    "date_of_birth": "Enter the date of birth.",
    "program": "Choose the program.",
    "preferred_channel": "Choose how the client wants reminders.",
    "track": "Choose a track.",
    "problem_areas.primary.area": "Choose the primary problem area.",
    "problem_areas.secondary.area": "Choose the secondary problem area, or None.",
    "person": "Say who this person is.",
    "relationship": "Say how they are related to the client.",
    "closeness": "Choose how close they are, from 1 to 5.",
    "description": "Say what happened.",
    "signed_on": "Enter the date it was signed.",
    "reason": "Say why the flag is cleared.",
}
REQUIRED = {"Missing data for required field.", "Field may not be null."}


def plain(key: str, message: str) -> str:
    if message in REQUIRED:
        return REQUIRED_WORDS.get(key) or REQUIRED_WORDS.get(key.rsplit(".", 1)[-1]) or "This is required."
    return PLAIN_MESSAGES.get(message, message)
