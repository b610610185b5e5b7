"""The consent forms of the client record: treatment consent and 42 CFR Part 2 disclosure consent."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from shared.staff_ui.forms import given, optional, text
from shared.vocabulary import CONSENT_KINDS  # each kind has its own form on the client record

CONSENT_LABELS = {
    "kind": "Kind of consent",
    "signed_on": "Signed on",
    "signed_by": "Signed by",
    "scope": "What may be disclosed",
    "recipients": "Recipients",
    "purpose": "Purpose",
    "expires_on": "Expires on",
}
CONSENT_ORDER = ("kind", "signed_on", "signed_by", "scope", "recipients", "purpose", "expires_on")


def consent_form(kind: str) -> str:
    """The name of the form a consent of this kind came from (an unknown kind is shown on the treatment one)."""
    return f"consent-{kind}" if kind in CONSENT_KINDS else "consent-treatment"


def consent_body(form: MultiDict) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": text(form, "kind"),
        "signed_by": text(form, "signed_by") or "client",
        **given(form, "signed_on"),
    }
    if body["kind"] == "part2_disclosure":
        body["scope"] = optional(form, "scope")
        body["purpose"] = optional(form, "purpose")
        body["recipients"] = [line.strip() for line in (form.get("recipients") or "").splitlines() if line.strip()]
        body["expires_on"] = optional(form, "expires_on")
    return body
