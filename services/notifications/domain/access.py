"""Who sees which notifications and alerts, and which clients' preferences and reachability.

- Admin sees everything.
- A clinician sees what is addressed to them, the alerts that reached them, and everything about
  the clients of their own caseload (sessions' assignments, kept here as the caseload).
- A supervisor sees the same, widened to the clients they oversee (`shared/supervision.py`): those
  of their own caseload, those of the clinicians they supervise (their team, from sessions'
  `sessions.clinician.supervisor_changed`), and those nobody treats yet (no clinician known: their
  alerts go to the on-call rota, which the supervisor may have to pick up). Another team's clients
  are that team's supervisor's.
- Intake staff see every client's preferences and reachability (notifications does not learn who
  was admitted), and otherwise what is addressed to them.

Whatever the role, an alert that reached someone (`Alert.seen_by`: the clinician, everyone the
on-call rota escalated it to) stays theirs to read and acknowledge: narrowing a supervisor to a team
never hides a risk alert from the person it reached.

An emergency grant (shared/emergency_access.py) opens one client to its grantee for reading, until
it expires, by the client's id only: their preferences and reachability, and the messages listed
for that client; the viewer of a read request carries the pass, a change's viewer none.

"Caseload" below is who treats each client as notifications last heard it; a client missing from
it is one nobody treats yet. Once a course closes, nobody treats the client (their alerts take the
on-call path), but they stay with the team of the clinician who treated them last.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from services.notifications.domain.alert import Alert
from services.notifications.domain.notification import Notification
from services.notifications.domain.staff import CaseloadEntry
from shared.emergency_access import NO_PASS, EmergencyPass
from shared.roles import ADMIN, INTAKE, SUPERVISOR
from shared.supervision import oversees

Caseload = Mapping[str, CaseloadEntry]  # client id -> who treats them


@dataclass(frozen=True)
class Viewer:
    sub: str
    role: str
    team: frozenset[str] = frozenset()  # for a supervisor: the clinicians they supervise
    emergency: EmergencyPass = NO_PASS

    @property
    def sees_everything(self) -> bool:
        return self.role == ADMIN


def oversees_client(viewer: Viewer, treating: CaseloadEntry | None) -> bool:
    """Whether the viewer answers for a client (`treating`: None when nobody has taken them on):
    admin every client, a supervisor those they oversee, anyone else only those they treat now."""
    if viewer.sees_everything:
        return True
    if viewer.role == SUPERVISOR:
        return oversees(viewer.sub, viewer.team, treating.last_clinician if treating else None)
    return treating is not None and treating.clinician_id == viewer.sub


def may_see_client(viewer: Viewer, client_id: str, treating: CaseloadEntry | None) -> bool:
    """Whether the viewer may see a client's reminder preferences and whether they can be reached;
    intake staff every client."""
    return viewer.role == INTAKE or oversees_client(viewer, treating) or viewer.emergency.opens(client_id)


def may_see_notification(
    viewer: Viewer, notification: Notification, caseload: Caseload, asked_for: str | None = None
) -> bool:
    """`caseload` holds at least the notification's client. `asked_for`: the client a list was asked
    for by id, whom a grant may open (a list of everything does not grow by the clients of a grant)."""
    return (
        notification.recipient_id == viewer.sub
        or oversees_client(viewer, caseload.get(notification.client_id))
        or (notification.client_id == asked_for and viewer.emergency.opens(asked_for))
    )


@dataclass(frozen=True)
class MessageScope:
    """The messages a viewer may list, as a filter a repository runs before it counts out a page:
    every message, or those addressed to `recipient`, about one of `clients`, or (when set) about
    any client but `all_clients_but`. `may_see_notification` stays the check of each one."""

    everyone: bool = False
    recipient: str | None = None
    clients: frozenset[str] = frozenset()
    all_clients_but: frozenset[str] | None = None


def message_scope(
    viewer: Viewer,
    own_clients: Collection[str] = (),
    others_clients: Collection[str] = (),
    asked_for: str | None = None,
) -> MessageScope:
    """`own_clients`: those the viewer treats; `others_clients`: for a supervisor, those treated
    outside their team; `asked_for`: the client a list was asked for, whom a grant may open."""
    if viewer.sees_everything:
        return MessageScope(everyone=True)
    granted = frozenset({asked_for}) if asked_for and viewer.emergency.opens(asked_for) else frozenset()
    if viewer.role == SUPERVISOR:
        return MessageScope(recipient=viewer.sub, clients=granted, all_clients_but=frozenset(others_clients))
    return MessageScope(recipient=viewer.sub, clients=frozenset(own_clients) | granted)


def may_see_alert(viewer: Viewer, alert: Alert, caseload: Caseload) -> bool:
    """`caseload` holds at least the alert's client. An alert that reached the viewer is always theirs."""
    return alert.seen_by(viewer.sub) or oversees_client(viewer, caseload.get(alert.client_id))
