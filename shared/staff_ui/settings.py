"""What makes one service's staff pages its own: name, cookies, start page, menu, who may sign in."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from shared.roles import ROLES

EXTENSION_KEY = "ipt.staff_ui"
# Roles whose accounts must have a second factor: set up right after the password, before any page.
TWO_FACTOR_ROLES_SETTING = "STAFF_2FA_REQUIRED_ROLES"


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: tuple[str, ...] | None = None  # None: everyone who may use the pages


@dataclass(frozen=True)
class StaffUi:
    service: str  # names the cookies: two services on one host must not share a cookie
    title: str  # "Clinic intake": the brand and the end of every page title
    home: str  # the start page's endpoint, where signing in leads
    home_label: str  # the start page's name in links back to it
    roles: tuple[str, ...]
    templates: Path  # the service's own templates (the shared ones are found too)
    sign_in_lead: str
    refused: str  # what an account of another role is told
    nav: tuple[NavItem, ...] = field(default_factory=tuple)

    @property
    def cookie_name(self) -> str:
        """The server-side session's token: a cookie per service, as ports do not separate cookies."""
        return f"ipt_{self.service}_ui"

    @property
    def pre_login_cookie_name(self) -> str:
        """Flask's cookie-session: the page to return to, the sign-in CSRF token, notices."""
        return f"ipt_{self.service}_ui_pre"

    def nav_for(self, role: str | None) -> list[NavItem]:
        return [item for item in self.nav if item.roles is None or role in item.roles]


def current_ui() -> StaffUi:
    """The staff pages of the app serving this request."""
    settings: StaffUi = current_app.extensions[EXTENSION_KEY]
    return settings


def parse_two_factor_roles(raw: str) -> tuple[str, ...]:
    """STAFF_2FA_REQUIRED_ROLES ("clinician,supervisor"; empty: none), checked at start-up: a typo stops
    the service rather than leaving a role unprotected."""
    roles = tuple(dict.fromkeys(part.strip() for part in (raw or "").split(",") if part.strip()))
    unknown = [role for role in roles if role not in ROLES]
    if unknown:
        raise ValueError(
            f"{TWO_FACTOR_ROLES_SETTING} names unknown roles {', '.join(unknown)}; the roles are {', '.join(ROLES)}"
        )
    return roles


def two_factor_roles() -> tuple[str, ...]:
    """The roles that must sign in with a second factor, for the app serving this request."""
    roles: tuple[str, ...] = tuple(current_app.config.get(TWO_FACTOR_ROLES_SETTING, ()))
    return roles
