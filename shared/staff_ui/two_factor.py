"""The staff member's own second factor: set it up (QR code, then a first code), or turn it off.

Reached signed in from the page header, or right after the password when the role must use a
second factor and the account has none yet (a half-done sign-in, shared/staff_ui/pending.py):
confirming the first code then finishes signing in. The QR code is inline SVG drawn here, so the
page makes no outside request and needs no script; the secret and the `otpauth://` address are
shown too, for typing into an app by hand. Neither is ever logged.
"""

from __future__ import annotations

import logging
from typing import Any

import segno
from flask import Blueprint, flash, g, redirect, request, url_for
from markupsafe import Markup

from shared import totp
from shared.auth import Principal
from shared.staff_ui import pending
from shared.staff_ui.rendering import page
from shared.staff_ui.security import user_store
from shared.staff_ui.settings import two_factor_roles
from shared.staff_ui.sign_in import WRONG_CODE, finish_sign_in, refused, start_again, too_many_attempts
from shared.users import Enrolment

audit = logging.getLogger("audit")

TEMPLATE = "staff/two_factor.html"
QR_SCALE = 4  # 57 modules of 4 px (with the quiet zone): 228 px, within a phone-wide panel


def install_two_factor(ui: Blueprint) -> None:
    ui.add_url_rule("/account/two-factor", "two_factor", two_factor, methods=["GET", "POST"])
    ui.add_url_rule("/account/two-factor/off", "two_factor_off", turn_off, methods=["POST"])


def two_factor() -> Any:
    """GET: the factor's state, or a new secret to set up; POST: the first code, which turns it on."""
    principal: Principal | None = g.get("principal")
    enrolling = None if principal is not None else pending.current(pending.ENROL)
    if enrolling is not None and enrolling.expired(user_store().now()):
        return start_again()
    owner = principal.sub if principal is not None else enrolling.username if enrolling else None
    if owner is None:  # the check before every request lets nobody else in; kept as a second guard
        return redirect(url_for("ui.login"))
    users = user_store()
    if users.has_two_factor(owner):
        if enrolling is not None:  # set up meanwhile elsewhere: signing in asks for a code now
            pending.forget()
            return redirect(url_for("ui.login"))
        return page(TEMPLATE, state="on", errors={}, values={})
    required = enrolling is not None or _required(principal)
    if request.method == "GET":
        return _setup_page(users.enrolment(owner), required)
    if not users.confirm_enrolment(owner, request.form.get("code", "")):
        return _setup_page(users.enrolment(owner), required, status=422, errors={"code": [WRONG_CODE]})
    audit.info("staff second factor turned on", extra={"actor": owner, "action": "ui.two_factor_on"})
    if enrolling is not None:
        pending.forget()
        if not users.is_active(enrolling.username, enrolling.role):
            return redirect(url_for("ui.login"))
        return finish_sign_in(Principal(sub=enrolling.username, role=enrolling.role))
    flash("Two-step sign-in is on. From now on, signing in asks for a code from your authenticator app.", "success")
    return redirect(url_for("ui.two_factor"))


def turn_off() -> Any:
    """Turning the factor off takes the password and a current code, counted like sign-in attempts."""
    principal: Principal = g.principal  # the check before every request: only a live session gets here
    users = user_store()
    if not users.has_two_factor(principal.sub):
        return redirect(url_for("ui.two_factor"))
    attempt = users.turn_off_two_factor(
        principal.sub, request.form.get("password", ""), request.form.get("code", ""), request.remote_addr
    )
    if attempt.throttled:
        return too_many_attempts(TEMPLATE, attempt, state="on", errors={}, values={})
    if attempt.principal is None:
        audit.info(
            "staff second factor not turned off", extra={"actor": principal.sub, "action": "ui.two_factor_off_failed"}
        )
        return refused(
            TEMPLATE,
            attempt,
            state="on",
            values={},
            errors={"password": ["Type your password again."], "code": [WRONG_CODE]},
            error="The password or the code is not right, so two-step sign-in is still on.",
        )
    audit.info("staff second factor turned off", extra={"actor": principal.sub, "action": "ui.two_factor_off"})
    flash("Two-step sign-in is off. Signing in asks for your password only.", "success")
    return redirect(url_for("ui.two_factor"))


def _required(principal: Principal | None) -> bool:
    return principal is not None and principal.role in two_factor_roles()


def _setup_page(
    enrolment: Enrolment, required: bool, status: int = 200, errors: dict[str, list[str]] | None = None
) -> Any:
    return page(
        TEMPLATE,
        status,
        state="setup",
        required=required,
        signing_in=g.get("principal") is None,
        qr=qr_svg(enrolment.uri),
        secret=totp.grouped(enrolment.secret),
        uri=enrolment.uri,
        errors=errors or {},
        values={},
    )


def qr_svg(uri: str) -> Markup:
    """The address as a QR code in inline SVG (no script, no style attribute, no outside request)."""
    drawn = segno.make(uri, error="m").svg_inline(
        scale=QR_SCALE,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="qr__code",
        title="QR code for your authenticator app",
    )
    # Announced as one image named by its title, not as a drawing of paths.
    drawn = drawn.replace("<svg ", '<svg role="img" ', 1)
    # Not a finding (bandit B704): segno draws the SVG from the address, which this service made itself.
    return Markup(drawn)  # nosec B704
