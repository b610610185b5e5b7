"""Staff alerts reach a person: the client's clinician or the on-call one, in-app and by e-mail,
and again up the chain at every escalation step until someone acknowledges."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications import handlers
from services.notifications.domain.access import Viewer
from shared.errors import NotFound
from tests.unit.notifications.conftest import NOW, World


def staffed(env: dict[str, str] | None = None) -> World:
    world = World(env)
    deps = world.deps
    handlers.set_on_call(
        {"clinician": "oncall-1", "supervisor": "sup-1", "clinical_lead": "lead-1"}, "admin", NOW, deps.uow, deps.repos
    )
    for person in ("dr-lee", "oncall-1", "sup-1", "lead-1"):
        handlers.set_staff_member(person, f"{person}@staff.example.org", "admin", NOW, deps.uow, deps.repos)
    return world


def flag(world: World, client_id: str, urgency: str = "urgent", flag_id: str = "f-1"):
    world.feed("intake.risk.flagged", client_id=client_id, urgency=urgency, flag_id=flag_id)
    return world.deps.repos.alerts.for_flag(flag_id)


def test_a_risk_flag_reaches_the_clients_clinician_in_app_and_by_email(client_id):
    world = staffed()
    world.feed("sessions.episode.assigned", client_id=client_id, clinician_id="dr-lee")
    alert = flag(world, client_id)
    assert (alert.recipient_id, alert.audience) == ("dr-lee", "clinician")
    in_app, email = sorted(world.notifications(recipient_id="dr-lee"), key=lambda n: n.channel != "in_app")
    assert (in_app.channel, in_app.status, in_app.urgency) == ("in_app", "delivered", "urgent")
    assert (email.channel, email.status) == ("email", "scheduled")
    assert world.deliver(NOW) == 1
    [sent] = world.sent("email")
    assert sent.to == "dr-lee@staff.example.org" and alert.id in sent.body
    assert sent.idempotency_key == email.id
    types = [e.type for e in world.outbox]
    assert types.count("notifications.sent") == 2 and "notifications.alert.raised" in types


def test_without_a_clinician_the_on_call_clinician_gets_it(client_id):
    world = staffed()
    alert = flag(world, client_id)
    assert (alert.recipient_id, alert.audience) == ("oncall-1", "on_call_clinician")


def test_a_closed_episode_sends_alerts_to_the_on_call_clinician(client_id):
    world = staffed()
    world.feed("sessions.episode.assigned", client_id=client_id, clinician_id="dr-lee")
    world.feed("sessions.episode.closed", at=NOW + timedelta(seconds=1), client_id=client_id)
    assert flag(world, client_id).recipient_id == "oncall-1"


def test_an_unacknowledged_urgent_alert_climbs_every_15_minutes_and_sends_at_each_step(client_id):
    world = staffed()
    world.feed("sessions.episode.assigned", client_id=client_id, clinician_id="dr-lee")
    alert = flag(world, client_id)
    world.deliver(NOW)
    assert world.escalate(NOW + timedelta(minutes=14)) == 0
    assert world.escalate(NOW + timedelta(minutes=15)) == 1
    world.deliver(NOW + timedelta(minutes=15))
    assert world.escalate(NOW + timedelta(minutes=30)) == 1
    world.deliver(NOW + timedelta(minutes=30))
    assert [m.to.split("@")[0] for m in world.sent("email")] == ["dr-lee", "sup-1", "lead-1"]
    current = world.deps.repos.alerts.get(alert.id)
    assert (current.audience, current.notified) == ("clinical_lead", ["dr-lee", "sup-1", "lead-1"])
    escalated = [e for e in world.outbox if e.type == "notifications.alert.escalated"]
    assert [e.data["recipient_id"] for e in escalated] == ["sup-1", "lead-1"]
    handlers.acknowledge_alert(alert.id, Viewer("sup-1", "supervisor"), NOW, world.deps.uow, world.deps.repos)
    assert world.escalate(NOW + timedelta(hours=5)) == 0


def test_high_alerts_climb_hourly_and_intervals_are_a_setting(client_id):
    world = staffed({"ALERT_ESCALATION_MINUTES": "urgent=0.1,high=2"})
    flag(world, client_id, urgency="high")
    assert world.escalate(NOW + timedelta(minutes=1)) == 0
    assert world.escalate(NOW + timedelta(minutes=2)) == 1


def test_an_outcomes_alert_reaches_the_episodes_clinician_and_does_not_escalate(client_id):
    world = staffed()
    world.feed("outcomes.alert.raised", client_id=client_id, clinician_id="dr-lee", alert_id="oa-1")
    world.deliver(NOW)
    [sent] = world.sent("email")
    assert sent.to == "dr-lee@staff.example.org" and "oa-1" in sent.body and "Clinical alert" in sent.subject
    assert world.deps.repos.alerts.unresolved() == []


def test_no_address_and_nobody_on_call_fail_visibly(client_id):
    world = World()
    flag(world, client_id)
    [failed] = world.notifications(client_id=client_id, status="failed")
    assert failed.reason == "no_recipient"
    world.feed("outcomes.alert.raised", client_id=client_id, clinician_id="dr-unknown", alert_id="oa-2")
    world.deliver(NOW)
    assert [n.reason for n in world.notifications(recipient_id="dr-unknown", status="failed")] == ["no_address"]
    assert [e.data["reason"] for e in world.outbox if e.type == "notifications.failed"] == [
        "no_recipient",
        "no_address",
    ]


def test_clinicians_see_their_own_alerts_and_clients_supervisors_their_teams_admin_all(client_id):
    world = staffed()
    world.supervise("dr-lee", "sup-lee")
    world.feed("sessions.episode.assigned", client_id=client_id, clinician_id="dr-lee")
    alert = flag(world, client_id)
    repos = world.deps.repos
    assert handlers.alerts_for("open", Viewer("dr-lee", "clinician"), repos) == [alert]
    assert handlers.alerts_for("open", Viewer("dr-other", "clinician"), repos) == []
    lees_supervisor = Viewer("sup-lee", "supervisor", repos.supervision.team_of("sup-lee"))
    assert handlers.alerts_for(None, lees_supervisor, repos) == [alert]
    assert handlers.alerts_for(None, Viewer("sup-other", "supervisor", frozenset({"dr-other"})), repos) == []
    assert handlers.alerts_for(None, Viewer("anyone", "admin"), repos) == [alert]
    assert handlers.alerts_for("acknowledged", Viewer("anyone", "admin"), repos) == []
    mine = handlers.notifications_for({"recipient": "dr-lee"}, Viewer("dr-lee", "clinician"), repos)
    assert {n.channel for n in mine} == {"in_app", "email"}
    assert handlers.notifications_for({"recipient": "dr-lee"}, Viewer("dr-other", "clinician"), repos) == []
    with pytest.raises(NotFound):
        handlers.acknowledge_alert(alert.id, Viewer("dr-other", "clinician"), NOW, world.deps.uow, repos)
    acknowledged = handlers.acknowledge_alert(alert.id, Viewer("dr-lee", "clinician"), NOW, world.deps.uow, repos)
    assert acknowledged.status == "acknowledged"
    assert world.outbox[-1].type == "notifications.alert.acknowledged"
