"""A supervisor sees the notifications, alerts and preferences of the clients they oversee: their
team's (sessions' `sessions.clinician.supervisor_changed`), their own and those nobody treats yet;
never another team's, except an alert that reached them up the on-call rota."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications import handlers
from services.notifications.domain.access import Viewer, may_see_notification
from tests.unit.notifications.conftest import NOW, World

ROTA = {"clinician": "dr-oc", "supervisor": "sup-rota", "clinical_lead": "lead"}
MINE, THEIRS, NOBODYS, OWN = "client-of-lee", "client-of-kim", "client-of-nobody", "client-of-sup-a"


@pytest.fixture
def teams(world, api) -> World:
    """sup-a supervises dr-lee and treats a client themself, sup-b supervises dr-kim; one client is
    treated by nobody yet. Every client has an open risk alert."""
    assert api("PUT", "/on-call", sub="sup-a", json=ROTA).status_code == 200
    world.supervise("dr-lee", "sup-a")
    world.supervise("dr-kim", "sup-b")
    for client_id, clinician_id in ((MINE, "dr-lee"), (THEIRS, "dr-kim"), (OWN, "sup-a")):
        world.feed("sessions.episode.assigned", client_id=client_id, clinician_id=clinician_id)
    for client_id in (MINE, THEIRS, NOBODYS, OWN):
        world.client(client_id)
        world.feed("intake.risk.flagged", client_id=client_id, flag_id=f"flag-{client_id}")
    return world


def alerted_clients(api, sub: str, role: str = "supervisor") -> set[str]:
    response = api("GET", "/alerts", role, sub)
    assert response.status_code == 200
    return {alert["client_id"] for alert in response.get_json()}


def notified_clients(api, sub: str, query: str = "") -> set[str]:
    response = api("GET", f"/notifications{query}", sub=sub)
    assert response.status_code == 200
    return {notification["client_id"] for notification in response.get_json()}


def alert_of(world: World, client_id: str):
    return world.deps.repos.alerts.for_flag(f"flag-{client_id}")


def test_a_supervisor_sees_their_teams_own_and_untreated_clients_alerts_and_notifications(teams, api):
    assert alerted_clients(api, "sup-a") == {MINE, OWN, NOBODYS}
    assert notified_clients(api, "sup-a") == {MINE, OWN, NOBODYS}
    assert alerted_clients(api, "sup-b") == {THEIRS, NOBODYS}
    assert notified_clients(api, "sup-b") == {THEIRS, NOBODYS}
    # A supervisor without a team still answers for the clients nobody treats (the on-call path).
    assert alerted_clients(api, "sup-c") == notified_clients(api, "sup-c") == {NOBODYS}
    assert alerted_clients(api, "root", role="admin") == {MINE, THEIRS, NOBODYS, OWN}


def test_another_teams_client_is_neither_listed_nor_acknowledged(teams, api):
    assert notified_clients(api, "sup-a", f"?client_id={THEIRS}") == set()
    assert api("GET", "/notifications?recipient=dr-kim", sub="sup-a").get_json() == []
    theirs = alert_of(teams, THEIRS)
    refused = api("POST", f"/alerts/{theirs.id}/acknowledge", sub="sup-a")
    never_heard_of = api("POST", "/alerts/no-such-alert/acknowledge", sub="sup-a")
    assert refused.status_code == never_heard_of.status_code == 404
    assert refused.get_json()["message"] == never_heard_of.get_json()["message"]
    assert alert_of(teams, THEIRS).status == "open"  # still escalating towards someone who may act
    mine = api("POST", f"/alerts/{alert_of(teams, MINE).id}/acknowledge", sub="sup-a")
    assert mine.status_code == 200 and mine.get_json()["acknowledged_by"] == "sup-a"
    untreated = api("POST", f"/alerts/{alert_of(teams, NOBODYS).id}/acknowledge", sub="sup-b")
    assert untreated.status_code == 200 and untreated.get_json()["status"] == "acknowledged"


def test_an_alert_escalated_to_a_supervisor_outside_the_team_stays_theirs(teams, api):
    theirs = alert_of(teams, THEIRS)
    assert THEIRS not in alerted_clients(api, "sup-rota")
    assert teams.escalate(NOW + timedelta(minutes=15)) >= 1
    assert alert_of(teams, THEIRS).recipient_id == "sup-rota"
    # sup-rota supervises nobody, yet the alert reached them: it is listed and they can act on it.
    assert THEIRS in alerted_clients(api, "sup-rota")
    inbox = api("GET", "/notifications?recipient=sup-rota", sub="sup-rota").get_json()
    assert {(n["client_id"], n["alert_id"], n["channel"]) for n in inbox if n["client_id"] == THEIRS} == {
        (THEIRS, theirs.id, "in_app"),
        (THEIRS, theirs.id, "email"),
    }
    # What was not addressed to them about another team's client stays that team's.
    assert api("GET", "/notifications?recipient=dr-kim", sub="sup-rota").get_json() == []
    done = api("POST", f"/alerts/{theirs.id}/acknowledge", sub="sup-rota")
    assert done.status_code == 200 and done.get_json()["acknowledged_by"] == "sup-rota"


def test_a_later_team_change_moves_access_and_an_older_redelivery_changes_nothing(teams, api):
    first = teams.supervise("dr-kim", "sup-b", changed_at=NOW - timedelta(days=1))  # late news: ignored
    assert THEIRS in alerted_clients(api, "sup-b")
    teams.supervise("dr-kim", "sup-a", changed_at=NOW + timedelta(hours=1))
    assert THEIRS in alerted_clients(api, "sup-a") and THEIRS in notified_clients(api, "sup-a")
    assert THEIRS not in alerted_clients(api, "sup-b") and THEIRS not in notified_clients(api, "sup-b")
    # The older news delivered again, under its own id, does not hand dr-kim back to sup-b.
    teams.feed(first.type, at=first.time, event_id=first.id, **first.data)
    teams.supervise("dr-kim", "sup-b", changed_at=NOW)
    assert teams.deps.repos.supervision.of("dr-kim").supervisor_id == "sup-a"
    assert THEIRS in alerted_clients(api, "sup-a") and THEIRS not in alerted_clients(api, "sup-b")
    # Nobody supervising dr-kim any more: sup-a loses the client too.
    teams.supervise("dr-kim", None, changed_at=NOW + timedelta(hours=2))
    assert THEIRS not in alerted_clients(api, "sup-a")


def test_a_closed_course_stays_with_the_team_of_its_last_clinician(teams, api):
    teams.feed("sessions.episode.closed", at=NOW + timedelta(seconds=1), client_id=THEIRS, clinician_id="dr-kim")
    assert teams.deps.repos.staff.treating(THEIRS).clinician_id is None  # new alerts: the on-call path
    assert THEIRS in alerted_clients(api, "sup-b") and THEIRS in notified_clients(api, "sup-b")
    assert THEIRS not in alerted_clients(api, "sup-a") and THEIRS not in notified_clients(api, "sup-a")
    assert api("GET", f"/clients/{THEIRS}/preferences", sub="sup-a").status_code == 404
    assert api("GET", f"/clients/{THEIRS}/preferences", "clinician", "dr-kim").status_code == 404  # not theirs now


@pytest.mark.parametrize(
    ("method", "path", "body", "for_intake"),
    [
        ("GET", "/clients/{}/preferences", None, 200),
        ("PUT", "/clients/{}/preferences", {"channel": "email", "opted_out": True, "quiet_hours": None}, 200),
        ("GET", "/recipients/{}", None, 403),  # a clinical route: intake staff never had it
    ],
)
def test_preferences_of_another_teams_client_are_not_found(teams, api, method, path, body, for_intake):
    for allowed in (MINE, OWN, NOBODYS):
        assert api(method, path.format(allowed), sub="sup-a", json=body).status_code == 200, allowed
    refused = api(method, path.format(THEIRS), sub="sup-a", json=body)
    never_heard_of = api(method, path.format("no-such-client"), sub="sup-a", json=body)
    assert refused.status_code == never_heard_of.status_code == 404
    assert refused.get_json()["message"] == never_heard_of.get_json()["message"]
    assert teams.deps.repos.preferences.get(THEIRS) is None  # sup-a changed nothing
    assert api(method, path.format(THEIRS), sub="sup-b", json=body).status_code == 200
    # Intake staff keep every client's preferences (notifications does not learn who was admitted).
    assert api(method, path.format(THEIRS), "intake", "intake-1", json=body).status_code == for_intake


@pytest.mark.parametrize(
    "sub, role, expected",
    [
        ("sup-a", "supervisor", {MINE, OWN, NOBODYS}),
        ("sup-b", "supervisor", {THEIRS, NOBODYS}),
        ("dr-lee", "clinician", {MINE}),
        ("root", "admin", {MINE, THEIRS, NOBODYS, OWN}),
    ],
)
def test_the_list_query_itself_holds_only_what_the_viewer_may_see(teams, sub, role, expected):
    """A page is counted out of the messages the viewer may see, so another team's messages never
    push theirs off a page: the scope runs in the repository's query, not after it."""
    repos = teams.deps.repos
    team = repos.supervision.team_seen_by(sub, role)
    viewer = Viewer(sub, role, team)
    scope = handlers.list_scope(viewer, repos, None)
    everything = repos.notifications.search(limit=10_000)
    scoped = repos.notifications.search(scope=scope, limit=10_000)
    caseload = repos.staff.caseload_of(n.client_id for n in everything)
    assert scoped == [n for n in everything if may_see_notification(viewer, n, caseload)]
    assert {n.client_id for n in scoped} == expected
    # One message: the viewer's own first, even with every other client's older messages before it.
    (first,) = repos.notifications.search(scope=scope, limit=1)
    assert first == scoped[0]
