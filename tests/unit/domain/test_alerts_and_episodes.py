"""Clinical alert escalation and episode activation, with in-memory adapters."""
from __future__ import annotations

from datetime import timedelta

from services.notifications import handlers as notify
from services.notifications.adapters.alerts import InMemoryAlertRepository
from services.notifications.domain.alert import Alert
from services.sessions import handlers as sessions
from services.sessions.adapters.episodes import InMemoryEpisodeRepository
from shared.contracts import contract_for, read_incoming
from shared.envelope import Envelope
from shared.uow import FakeUnitOfWork
from tests.unit.domain.conftest import NOW


def event(type_: str, **changes) -> tuple[Envelope, dict]:
    data = dict(contract_for(type_, 1).example, **changes)
    envelope = Envelope(type=type_, version=1, source="intake", subject=data["client_id"], data=data, time=NOW)
    return envelope, read_incoming(type_, 1, data)


def test_an_unacknowledged_urgent_alert_climbs_every_15_minutes():
    alert = Alert.for_risk_flag("c", "f", "urgent", "phq9_item9", NOW)
    assert not alert.escalate_if_due(NOW + timedelta(minutes=14))
    assert alert.escalate_if_due(NOW + timedelta(minutes=15)) and alert.audience == "supervisor"
    assert alert.escalate_if_due(NOW + timedelta(minutes=30)) and alert.audience == "clinical_lead"
    alert.acknowledge("dr", NOW + timedelta(minutes=31))
    assert not alert.escalate_if_due(NOW + timedelta(hours=5))


def test_one_flag_makes_one_alert_even_if_delivered_twice():
    alerts = InMemoryAlertRepository()
    envelope, data = event("intake.risk.flagged")
    for _ in range(2):
        uow = FakeUnitOfWork("notifications", cause=envelope)
        notify.raise_alert_for_risk_flag(envelope, data, uow, alerts)
    assert len(alerts.alerts) == 1


def test_escalation_publishes_and_clearing_resolves():
    alerts = InMemoryAlertRepository()
    envelope, data = event("intake.risk.flagged", urgency="high")
    notify.raise_alert_for_risk_flag(envelope, data, FakeUnitOfWork("n"), alerts)
    uows: list[FakeUnitOfWork] = []

    def new_uow() -> FakeUnitOfWork:
        uows.append(FakeUnitOfWork("n"))
        return uows[-1]

    assert notify.escalate_due_alerts(NOW + timedelta(minutes=59), new_uow, alerts) == 0
    assert notify.escalate_due_alerts(NOW + timedelta(hours=1), new_uow, alerts) == 1
    assert [e.type for e in uows[0].events] == ["notifications.alert.escalated"]
    cleared, cleared_data = event("intake.risk.cleared", flag_id=data["flag_id"])
    notify.resolve_alert_for_cleared_flag(cleared, cleared_data, FakeUnitOfWork("n"), alerts)
    assert alerts.unresolved() == []


def test_admission_activates_the_pending_episode_without_opening_another():
    episodes = InMemoryEpisodeRepository()
    registered, reg_data = event("intake.client.registered")
    sessions.open_episode_for_registered_client(registered, reg_data, FakeUnitOfWork("s"), episodes)
    admitted, adm_data = event("intake.client.admitted")
    uow = FakeUnitOfWork("s", cause=admitted)
    sessions.activate_episode_for_admitted_client(admitted, adm_data, uow, episodes)
    [episode] = episodes.for_client(reg_data["client_id"])
    assert episode.status == "active" and episode.admission.track == "individual"
    assert uow.events == []  # no second "opened" event


def test_admission_without_an_episode_opens_an_active_one():
    episodes = InMemoryEpisodeRepository()
    admitted, adm_data = event("intake.client.admitted")
    uow = FakeUnitOfWork("s", cause=admitted)
    sessions.activate_episode_for_admitted_client(admitted, adm_data, uow, episodes)
    assert [e.status for e in episodes.for_client(adm_data["client_id"])] == ["active"]
    assert [e.type for e in uow.events] == ["sessions.episode.opened"]


class RacingAlerts(InMemoryAlertRepository):
    """Another process changes the alert between our read and our write, `races` times."""

    def __init__(self, races: int) -> None:
        super().__init__()
        self.races = races

    def get(self, alert_id):
        alert = super().get(alert_id)
        if self.races > 0:
            self.races -= 1
            self.alerts[alert_id].version += 1
        return alert


def raised(alerts) -> str:
    envelope, data = event("intake.risk.flagged")
    notify.raise_alert_for_risk_flag(envelope, data, FakeUnitOfWork("n"), alerts)
    return next(iter(alerts.alerts))


def test_acknowledging_retries_when_the_alert_changed_meanwhile():
    alerts = RacingAlerts(races=0)
    alert_id = raised(alerts)
    alerts.races = 2
    acknowledged = notify.acknowledge_alert(alert_id, "dr", NOW, lambda: FakeUnitOfWork("n"), alerts)
    assert acknowledged.status == "acknowledged" and alerts.alerts[alert_id].status == "acknowledged"


def test_an_escalation_round_goes_on_past_an_alert_that_changed():
    alerts = InMemoryAlertRepository()
    first, second = (event("intake.risk.flagged", flag_id=f"f{i}") for i in range(2))
    for envelope, data in (first, second):
        notify.raise_alert_for_risk_flag(envelope, data, FakeUnitOfWork("n"), alerts)
    stale_id = next(iter(alerts.alerts))
    due = alerts.due_for_escalation(NOW + timedelta(hours=1))
    alerts.due_for_escalation = lambda now: due  # the round works from this snapshot
    alerts.alerts[stale_id].version += 1  # someone acknowledged it after the snapshot
    assert notify.escalate_due_alerts(NOW + timedelta(hours=1), lambda: FakeUnitOfWork("n"), alerts) == 1


def test_a_flag_event_arriving_after_its_clearing_opens_no_alert():
    alerts = InMemoryAlertRepository()
    flagged, data = event("intake.risk.flagged")
    cleared, cleared_data = event("intake.risk.cleared", flag_id=data["flag_id"])
    notify.resolve_alert_for_cleared_flag(cleared, cleared_data, FakeUnitOfWork("n"), alerts)
    notify.raise_alert_for_risk_flag(flagged, data, FakeUnitOfWork("n"), alerts)
    assert alerts.unresolved() == [] and alerts.alerts == {}
