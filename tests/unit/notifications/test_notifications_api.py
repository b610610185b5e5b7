"""The notifications API through the test client: shapes, roles and what each caller sees."""

from __future__ import annotations

from datetime import timedelta

from services.notifications import bootstrap
from tests.unit.notifications.conftest import NOW
from tests.unit.shared.conftest import make_app


def test_reminders_are_listed_with_the_fields_the_issue_names(world, api, client_id):
    world.client(client_id)
    start = NOW + timedelta(days=3, hours=3)
    world.feed("sessions.session.scheduled", client_id=client_id, start=start, end=start + timedelta(minutes=50))
    response = api("GET", f"/notifications?client_id={client_id}&type=appointment_reminder&status=scheduled")
    assert response.status_code == 200
    items = response.get_json()
    assert [item["send_at"] for item in items] == [
        (start - timedelta(hours=24)).isoformat(),
        (start - timedelta(hours=2)).isoformat(),
    ]
    assert set(items[0]) >= {"id", "type", "channel", "status", "send_at", "sent_at", "urgency", "body"}
    assert items[0]["type"] == "appointment_reminder" and items[0]["sent_at"] is None
    assert api("GET", "/notifications?status=lost").status_code == 422


def test_the_inbox_and_open_alerts_of_a_clinician(world, api, client_id):
    deps = world.deps
    assert (
        api("PUT", "/on-call", json={"clinician": "dr-oc", "supervisor": "sup", "clinical_lead": "lead"}).status_code
        == 200
    )
    assert api("PUT", "/on-call", role="clinician", json={}).status_code == 403
    assert api("GET", "/on-call", role="clinician").get_json()["clinician"] == "dr-oc"
    world.feed("intake.risk.flagged", client_id=client_id)
    inbox = api("GET", "/notifications?recipient=dr-oc", role="clinician", sub="dr-oc").get_json()
    assert {(n["channel"], n["status"], n["urgency"]) for n in inbox} == {
        ("in_app", "delivered", "urgent"),
        ("email", "scheduled", "urgent"),
    }
    assert api("GET", "/notifications?recipient=dr-oc", role="clinician", sub="dr-x").get_json() == []
    [alert] = api("GET", "/alerts?status=open", role="clinician", sub="dr-oc").get_json()
    assert alert["recipient_id"] == "dr-oc" and alert["audience"] == "on_call_clinician"
    assert api("GET", "/alerts?status=open", role="clinician", sub="dr-x").get_json() == []
    assert api("POST", f"/alerts/{alert['id']}/acknowledge", role="clinician", sub="dr-x").status_code == 404
    done = api("POST", f"/alerts/{alert['id']}/acknowledge", role="clinician", sub="dr-oc")
    assert done.status_code == 200 and done.get_json()["status"] == "acknowledged"
    assert api("GET", "/alerts?status=open").get_json() == []
    assert [e.type for e in deps.memory.outbox if e.type.startswith("notifications.")][-1] == (
        "notifications.alert.acknowledged"
    )


def test_preferences_round_trip_and_validate(world, api, client_id):
    assert api("GET", f"/clients/{client_id}/preferences").status_code == 404
    world.client(client_id)
    shown = api("GET", f"/clients/{client_id}/preferences", role="intake").get_json()
    assert shown == {
        "client_id": client_id,
        "channel": "sms",
        "opted_out": False,
        "quiet_hours": {"start": "21:00", "end": "08:00"},
        "reachable": True,
        "updated_at": None,
    }
    body = {"channel": "email", "opted_out": False, "quiet_hours": {"start": "22:00", "end": "07:30"}}
    changed = api("PUT", f"/clients/{client_id}/preferences", role="intake", json=body).get_json()
    assert changed["channel"] == "email" and changed["quiet_hours"] == {"start": "22:00", "end": "07:30"}
    bad = api("PUT", f"/clients/{client_id}/preferences", json={"channel": "pigeon", "opted_out": "maybe"})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]["json"]) == {"channel", "opted_out", "quiet_hours"}
    wrong_time = dict(body, quiet_hours={"start": "25:00", "end": "07:00"})
    assert api("PUT", f"/clients/{client_id}/preferences", json=wrong_time).status_code == 422
    assert api("GET", f"/clients/{client_id}/preferences", role="ops").status_code == 403


def test_the_staff_directory_is_for_admin(api):
    assert api("PUT", "/staff/dr-lee", role="supervisor", json={"email": "l@example.org"}).status_code == 403
    assert api("PUT", "/staff/dr-lee", role="admin", json={"email": "not an address"}).status_code == 422
    put = api("PUT", "/staff/dr-lee", role="admin", json={"email": "lee@example.org"})
    assert put.status_code == 200 and put.get_json()["email"] == "lee@example.org"
    assert api("GET", "/staff/dr-lee", role="admin").get_json()["id"] == "dr-lee"
    assert api("GET", "/staff/nobody", role="admin").status_code == 404


def test_every_route_is_in_the_role_table():
    make_app("notifications", deps=bootstrap.fake_dependencies())  # refuses to build otherwise


def test_a_clinician_sees_and_sets_preferences_of_their_own_clients_only(world, api, client_id):
    world.client(client_id)
    world.feed("sessions.episode.assigned", client_id=client_id, clinician_id="dr-lee")
    body = {"channel": "email", "opted_out": False, "quiet_hours": None}
    for method, path, sent in (
        ("GET", f"/clients/{client_id}/preferences", None),
        ("PUT", f"/clients/{client_id}/preferences", body),
        ("GET", f"/recipients/{client_id}", None),
    ):
        own = api(method, path, role="clinician", sub="dr-lee", json=sent)
        assert own.status_code == 200, (method, path)
        other = api(method, path, role="clinician", sub="dr-other", json=sent)
        never_heard_of = api(
            method, path.replace(client_id, "no-such-client"), role="clinician", sub="dr-other", json=sent
        )
        assert other.status_code == never_heard_of.status_code == 404, (method, path)
        assert other.get_json()["message"] == never_heard_of.get_json()["message"]
    assert world.deps.repos.preferences.get(client_id).channel == "email"  # set once, by dr-lee
