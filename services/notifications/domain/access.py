"""Who sees which notifications and alerts: supervisors and admin all of them; a clinician those
addressed to them, and those about the clients of their own caseload (from sessions' assignments);
a client's preferences and reachability, a clinician those of their own caseload.
Notifications does not learn who supervises whom, so a supervisor is not limited to a team here.

An emergency grant (shared/emergency_access.py) opens one client to its grantee for reading, until
it expires, by the client's id only: their preferences and reachability, and the messages listed
for that client; the viewer of a read request carries the pass, a change's viewer none.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from services.notifications.domain.alert import Alert
from services.notifications.domain.notification import Notification
from shared.emergency_access import NO_PASS, EmergencyPass
from shared.roles import ADMIN, INTAKE, SUPERVISOR


@dataclass(frozen=True)
class Viewer:
    sub: str
    role: str
    emergency: EmergencyPass = NO_PASS

    @property
    def sees_everything(self) -> bool:
        return self.role in (SUPERVISOR, ADMIN)


def may_see_client(viewer: Viewer, client_id: str, own_clients: Collection[str]) -> bool:
    """Whether the viewer may see a client's reminder preferences and whether they can be reached:
    a clinician those of their own caseload; intake staff every client (notifications does not
    learn who was admitted), supervisors and admin too."""
    return (
        viewer.sees_everything or viewer.role == INTAKE or client_id in own_clients or viewer.emergency.opens(client_id)
    )


def may_see_notification(
    viewer: Viewer, notification: Notification, own_clients: Collection[str], asked_for: str | None = None
) -> bool:
    """`asked_for`: the client a list was asked for by id, whom a grant may open (a list of
    everything does not grow by the clients of a grant)."""
    return (
        viewer.sees_everything
        or notification.recipient_id == viewer.sub
        or notification.client_id in own_clients
        or (notification.client_id == asked_for and viewer.emergency.opens(asked_for))
    )


def may_see_alert(viewer: Viewer, alert: Alert, own_clients: Collection[str]) -> bool:
    return viewer.sees_everything or alert.seen_by(viewer.sub) or alert.client_id in own_clients
