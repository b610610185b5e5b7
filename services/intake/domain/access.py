"""Which clients each caller may know of in intake: the object-level rules behind every route.

- admin: every client.
- supervisor: their team's clients (sessions announces who supervises whom,
  `sessions.clinician.supervisor_changed`), their own, the clients nobody treats yet (not yet
  admitted, or waiting for a clinician: they assign them), and those whose open risk alert reached
  them. Another team's clients are that team's supervisor's, also once their course closed (the
  last clinician decides whose).
- clinician: the clients on their caseload (sessions' latest assignment of an open episode), and
  the clients whose open risk alert reached them (the on-call clinician is alerted about a client
  nobody has taken on yet, and must be able to review and clear the flag).
- intake staff: the clients they register and screen, i.e. every client not yet admitted. An
  admitted client is found only by their exact name and date of birth (a returning referral),
  as a summary: the record itself is no longer theirs to open.
- ops (and any other role): none; ops works with de-identified aggregates elsewhere.
- emergency ("break glass"): a clinician's grant in force opens one client to them for reading
  (shared/emergency_access.py); the viewer of a read request carries the pass, a change's none.
  Lists and searches do not grow: the grant opens the client by id only.

A caller who may not know of a client is told it does not exist (404), never that it is refused.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from services.intake.domain.client import ADMITTED
from shared.emergency_access import NO_PASS, EmergencyPass
from shared.roles import ADMIN, CLINICIAN, INTAKE, REGISTRARS, SUPERVISOR
from shared.supervision import oversees


@dataclass(frozen=True)
class Viewer:
    sub: str
    role: str
    team: frozenset[str] = frozenset()  # for a supervisor: the clinicians they supervise
    emergency: EmergencyPass = NO_PASS


@dataclass(frozen=True)
class ClientFacts:
    """What the rules need to know of one client."""

    status: str
    clinician_id: str | None = None  # the clinician of the open episode, from sessions
    former_clinician_id: str | None = None  # once the course closed: who treated them last
    alerted: frozenset[str] = frozenset()  # staff an open risk alert about the client reached
    client_id: str | None = None  # the client's id, which an emergency grant names


@dataclass(frozen=True)
class Scope:
    """The clients a viewer may list, as a filter a repository can run: every client but those
    `withheld`, or those with the given ids, or those not yet admitted (or both of the last two,
    either one sufficing)."""

    everyone: bool = False
    ids: frozenset[str] = frozenset()
    not_admitted: bool = False
    withheld: frozenset[str] = frozenset()  # with `everyone`: the clients left out

    @property
    def nobody(self) -> bool:
        return not (self.everyone or self.ids or self.not_admitted)


def may_open(viewer: Viewer, client: ClientFacts) -> bool:
    """Whether the viewer may read or change this client's record (read only, under a grant)."""
    return _by_role(viewer, client) or viewer.emergency.opens(client.client_id)


def _by_role(viewer: Viewer, client: ClientFacts) -> bool:
    if viewer.role == ADMIN:
        return True
    if viewer.role == SUPERVISOR:
        last = client.clinician_id or client.former_clinician_id
        return oversees(viewer.sub, viewer.team, last) or viewer.sub in client.alerted
    if viewer.role == CLINICIAN:
        return client.clinician_id == viewer.sub or viewer.sub in client.alerted
    if viewer.role == INTAKE:
        return client.status != ADMITTED
    return False


def scope_for(viewer: Viewer, own_clients: Collection[str] = (), others_clients: Collection[str] = ()) -> Scope:
    """The clients the viewer may list. `own_clients`: a clinician's or supervisor's (caseload and
    alerts that reached them); `others_clients`: for a supervisor, those treated outside their team."""
    if viewer.role == ADMIN:
        return Scope(everyone=True)
    if viewer.role == SUPERVISOR:
        return Scope(everyone=True, withheld=frozenset(others_clients) - frozenset(own_clients))
    if viewer.role == CLINICIAN:
        return Scope(ids=frozenset(own_clients))
    if viewer.role == INTAKE:
        return Scope(not_admitted=True)
    return Scope()


def in_scope(scope: Scope, client_id: str, client: ClientFacts) -> bool:
    """The scope's filter applied to one client (what a repository's query does in bulk)."""
    return (
        (scope.everyone and client_id not in scope.withheld)
        or client_id in scope.ids
        or (scope.not_admitted and client.status != ADMITTED)
    )


def may_find_by_identity(viewer: Viewer) -> bool:
    """Whether a search by exact name and date of birth finds every client, admitted ones too:
    those who register clients must see that someone is already known before registering again."""
    return viewer.role in REGISTRARS


def identity_keys(words: Collection[str]) -> list[tuple[str, str]]:
    """Every (given name, family name) a full name typed as words may stand for: "Mary Ann
    Smith" is Mary Ann + Smith or Mary + Ann Smith, and family-name-first spellings too."""
    parts = list(words)
    splits = [(" ".join(parts[:cut]), " ".join(parts[cut:])) for cut in range(1, len(parts))]
    return splits + [(family, given) for given, family in splits]
