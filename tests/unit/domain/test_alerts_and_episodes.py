"""Clinical alert escalation and episode activation, on the in-memory store."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from services.notifications import bootstrap as notifications
from services.notifications import handlers as notify
from services.notifications.adapters.alerts import AlertRepository
from services.notifications.domain.access import Viewer
from services.notifications.domain.alert import Alert
from services.sessions import bootstrap as sessions_service
from services.sessions import handlers as sessions
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope
from shared.memory import FakeUnitOfWork
from tests.unit.domain.conftest import NOW


def event(type_: str, **changes) -> tuple[Envelope, dict]:
    data = dict(contract_for(type_, 1).example, **changes)
    envelope = Envelope(type=type_, version=1, source="intake", subject=data["client_id"], data=data, time=NOW)
    return envelope, read_incoming(type_, 1, data)


@pytest.fixture
def deps() -> notifications.Dependencies:
    return notifications.fake_dependencies()


def stored_alerts(deps: notifications.Dependencies) -> dict[str, dict]:
    return deps.memory.collection("alerts")


def test_an_unacknowledged_urgent_alert_climbs_every_15_minutes():
    alert = Alert.for_risk_flag("c", "f", "urgent", "phq9_item9", NOW)
    assert not alert.escalate_if_due(NOW + timedelta(minutes=14))
    assert alert.escalate_if_due(NOW + timedelta(minutes=15)) and alert.audience == "supervisor"
    assert alert.escalate_if_due(NOW + timedelta(minutes=30)) and alert.audience == "clinical_lead"
    alert.acknowledge("dr", NOW + timedelta(minutes=31))
    assert not alert.escalate_if_due(NOW + timedelta(hours=5))


def test_one_flag_makes_one_alert_even_if_delivered_twice(deps):
    envelope, data = event("intake.risk.flagged")
    for _ in range(2):
        notify.raise_alert_for_risk_flag(envelope, data, deps.uow(cause=envelope), deps.repos, deps.policy)
    assert len(stored_alerts(deps)) == 1
    # Nobody is on call and the client has no clinician: the alert is kept and its delivery fails loudly.
    assert [e.type for e in deps.memory.outbox] == ["notifications.alert.raised", "notifications.failed"]
    assert deps.memory.outbox[0].causation_id == envelope.id


def test_escalation_publishes_and_clearing_resolves(deps):
    envelope, data = event("intake.risk.flagged", urgency="high")
    notify.raise_alert_for_risk_flag(envelope, data, deps.uow(), deps.repos, deps.policy)
    uows: list[FakeUnitOfWork] = []

    def new_uow() -> FakeUnitOfWork:
        uows.append(deps.uow())
        return uows[-1]

    assert notify.escalate_due_alerts(NOW + timedelta(minutes=59), new_uow, deps.repos, deps.policy) == 0
    assert notify.escalate_due_alerts(NOW + timedelta(hours=1), new_uow, deps.repos, deps.policy) == 1
    assert [e.type for e in uows[0].events] == ["notifications.alert.escalated", "notifications.failed"]
    assert uows[0].events[0].data["audience"] == "supervisor"
    cleared, cleared_data = event("intake.risk.cleared", flag_id=data["flag_id"])
    notify.resolve_alert_for_cleared_flag(cleared, cleared_data, deps.uow(), deps.repos)
    assert deps.alerts.unresolved() == []
    assert deps.memory.outbox[-1].type == "notifications.alert.resolved"


def test_admission_activates_the_pending_episode_without_opening_another():
    deps = sessions_service.fake_dependencies()
    registered, reg_data = event("intake.client.registered")
    sessions.open_episode_for_registered_client(registered, reg_data, deps.uow(), deps.repos)
    admitted, adm_data = event("intake.client.admitted")
    uow = deps.uow(cause=admitted)
    sessions.activate_episode_for_admitted_client(admitted, adm_data, uow, deps.repos)
    [episode] = deps.repos.episodes.for_client(reg_data["client_id"])
    assert episode.status == "active" and episode.admission.track == "individual"
    assert [e.type for e in uow.events] == ["sessions.episode.activated"]  # no second "opened" event
    assert uow.events[0].data["episode_id"] == episode.id


def test_admission_without_an_episode_opens_an_active_one():
    deps = sessions_service.fake_dependencies()
    admitted, adm_data = event("intake.client.admitted")
    uow = deps.uow(cause=admitted)
    sessions.activate_episode_for_admitted_client(admitted, adm_data, uow, deps.repos)
    assert [e.status for e in deps.repos.episodes.for_client(adm_data["client_id"])] == ["active"]
    assert [e.type for e in uow.events] == ["sessions.episode.opened", "sessions.episode.activated"]


class RacingAlerts(AlertRepository):
    """Another process changes the alert between our read and our write, `races` times."""

    def __init__(self, deps: notifications.Dependencies, races: int) -> None:
        super().__init__(deps.memory.stores)
        self.stored = stored_alerts(deps)
        self.races = races

    def get(self, alert_id):
        alert = super().get(alert_id)
        if self.races > 0:
            self.races -= 1
            self.stored[alert_id] = dict(self.stored[alert_id], version=self.stored[alert_id]["version"] + 1)
        return alert


def raised(deps, alerts) -> str:
    envelope, data = event("intake.risk.flagged")
    notify.raise_alert_for_risk_flag(envelope, data, deps.uow(), replace(deps.repos, alerts=alerts), deps.policy)
    return next(iter(stored_alerts(deps)))


def test_acknowledging_retries_when_the_alert_changed_meanwhile(deps):
    alerts = RacingAlerts(deps, races=0)
    alert_id = raised(deps, alerts)
    alerts.races = 2
    acknowledged = notify.acknowledge_alert(
        alert_id, Viewer("dr", "supervisor"), NOW, deps.uow, replace(deps.repos, alerts=alerts)
    )
    assert acknowledged.status == "acknowledged" and alerts.get(alert_id).status == "acknowledged"


def test_acknowledging_gives_up_after_three_lost_races(deps):
    from shared.errors import StaleWrite

    alerts = RacingAlerts(deps, races=0)
    alert_id = raised(deps, alerts)
    alerts.races = 3
    with pytest.raises(StaleWrite):
        notify.acknowledge_alert(
            alert_id, Viewer("dr", "supervisor"), NOW, deps.uow, replace(deps.repos, alerts=alerts)
        )
    assert alerts.get(alert_id).status == "open"


def test_an_escalation_round_goes_on_past_an_alert_that_changed(deps):
    first, second = (event("intake.risk.flagged", flag_id=f"f{i}") for i in range(2))
    for envelope, data in (first, second):
        notify.raise_alert_for_risk_flag(envelope, data, deps.uow(), deps.repos, deps.policy)
    stored = stored_alerts(deps)
    stale_id = next(iter(stored))
    due = deps.alerts.due_for_escalation(NOW + timedelta(hours=1))
    deps.alerts.due_for_escalation = lambda now: due  # the round works from this snapshot
    stored[stale_id] = dict(stored[stale_id], version=stored[stale_id]["version"] + 1)  # acknowledged meanwhile
    assert notify.escalate_due_alerts(NOW + timedelta(hours=1), deps.uow, deps.repos, deps.policy) == 1


def test_a_flag_event_arriving_after_its_clearing_opens_no_alert(deps):
    flagged, data = event("intake.risk.flagged")
    cleared, cleared_data = event("intake.risk.cleared", flag_id=data["flag_id"])
    notify.resolve_alert_for_cleared_flag(cleared, cleared_data, deps.uow(), deps.repos)
    notify.raise_alert_for_risk_flag(flagged, data, deps.uow(), deps.repos, deps.policy)
    assert deps.alerts.unresolved() == [] and stored_alerts(deps) == {}
