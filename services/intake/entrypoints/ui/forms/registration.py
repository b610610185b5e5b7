"""The registration form: a new client's details, and the order and names its errors are listed by."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from services.intake.domain.client import Registration
from shared.staff_ui.forms import given, optional

REGISTRATION_ORDER = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex_at_birth",
    "program",
    "contact.email",
    "contact.phone",
    "preferred_channel",
    "referral.source",
    "referral.date",
    "treatment_consent.signed_on",
    "treatment_consent",
    "allow_duplicate",
)
REGISTRATION_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "date_of_birth": "Date of birth",
    "sex_at_birth": "Sex at birth",
    "program": "Program",
    "contact.email": "Email address",
    "contact.phone": "Phone number",
    "contact": "Contact details",
    "preferred_channel": "Preferred channel",
    "referral.source": "Referred by",
    "referral.date": "Referral date",
    "referral": "Referral",
    "treatment_consent.signed_on": "Treatment consent signed on",
    "treatment_consent": "Treatment consent",
}


def registration_body(form: MultiDict) -> dict[str, Any]:
    body: dict[str, Any] = given(form, "given_name", "family_name", "date_of_birth", "program", "preferred_channel")
    body["sex_at_birth"] = optional(form, "sex_at_birth")
    body["contact"] = {"email": optional(form, "contact.email"), "phone": optional(form, "contact.phone")}
    body["referral"] = {
        key: optional(form, f"referral.{key}") for key in ("source", "date") if optional(form, f"referral.{key}")
    }
    signed_on = optional(form, "treatment_consent.signed_on")
    body["treatment_consent"] = {"signed_on": signed_on} if signed_on else None
    body["allow_duplicate"] = form.get("allow_duplicate") == "yes"
    body["request_key"] = form.get("request_key") or None
    return body


def correction_body(form: MultiDict[str, str], include_program: bool) -> dict[str, Any]:
    """The correction form: every detail is sent, unchanged ones too (the server finds what changed)."""
    body: dict[str, Any] = given(form, "given_name", "family_name", "date_of_birth", "preferred_channel")
    if include_program:
        body.update(given(form, "program"))
    body["sex_at_birth"] = optional(form, "sex_at_birth")
    body["contact"] = {"email": optional(form, "contact.email"), "phone": optional(form, "contact.phone")}
    body["allow_duplicate"] = form.get("allow_duplicate") == "yes"
    return body


def details_values(registration: Registration) -> dict[str, Any]:
    """A client's details as the form shows them."""
    return {
        "given_name": registration.given_name,
        "family_name": registration.family_name,
        "date_of_birth": registration.date_of_birth.isoformat(),
        "sex_at_birth": registration.sex_at_birth or "",
        "program": registration.program,
        "contact.email": registration.contact.email or "",
        "contact.phone": registration.contact.phone or "",
        "preferred_channel": registration.preferred_channel,
    }
