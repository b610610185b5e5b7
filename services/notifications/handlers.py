"""Use cases of the notifications service: load, call the domain, save, commit.

Consumed events plan messages (or withdraw them) in the same transaction that marks the event
processed, under ids made from the event, so a redelivery plans nothing twice. The delivery round
sends what is due: it records the attempt, sends, then records the outcome (see `deliver`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from services.notifications.adapters.alerts import AlertRepository
from services.notifications.adapters.notifications import NotificationRepository
from services.notifications.adapters.people import PreferenceRepository, StaffRepository
from services.notifications.adapters.recipients import RecipientRepository
from services.notifications.domain import messages
from services.notifications.domain.access import (
    Caseload,
    MessageScope,
    Viewer,
    may_see_alert,
    may_see_notification,
    message_scope,
)
from services.notifications.domain.alert import OPEN, Alert, interval
from services.notifications.domain.delivery import Channel, OutgoingMessage, PermanentFailure, TransientFailure
from services.notifications.domain.notification import (
    NO_ADDRESS,
    NO_RECIPIENT,
    OPTED_OUT,
    REJECTED,
    SCHEDULED,
    Notification,
    notification_id,
)
from services.notifications.domain.policy import Policy
from services.notifications.domain.quiet_hours import IGNORE, LATER, QuietHours, fit
from services.notifications.domain.recipient import Preferences, Recipient, choice
from services.notifications.domain.rules import (
    CLIENT,
    EMAIL,
    IN_APP,
    OUTCOME_ALERT,
    RISK_ALERT,
    RULES,
    SELF_REPORT_LINK,
    SELF_REPORT_REMINDER,
    SMS,
    STAFF,
    Rule,
)
from services.notifications.domain.schedule import send_times
from services.notifications.domain.staff import CaseloadEntry, OnCall, StaffMember, recipient_at
from shared.emergency_grants import EmergencyGrantRepository
from shared.envelope import Envelope, utcnow
from shared.errors import NotFound, StaleWrite
from shared.metrics import (
    ALERT_ACKNOWLEDGE_SECONDS,
    ALERT_DELIVERY_SECONDS,
    CLINICAL_ALERT_OLDEST_AGE,
    CLINICAL_ALERTS_OPEN,
    CLINICAL_ALERTS_OVERDUE,
    NOTIFICATION_RETRIES,
    NOTIFICATIONS_FAILED,
    NOTIFICATIONS_OVERDUE,
    NOTIFICATIONS_SENT,
)
from shared.retry import IMMEDIATE, on_conflict, retry
from shared.roles import SUPERVISOR
from shared.supervision_records import SupervisionRepository
from shared.uow import UnitOfWork
from shared.vocabulary import DELIVERY_FAILURES, NOTIFICATION_CHANNELS, NOTIFICATION_TYPES, RISK_URGENCIES

SERVICE = "notifications"
ACKNOWLEDGE_ATTEMPTS = 3
RECORD_ATTEMPTS = 5
OVERDUE_AFTER_SECONDS = 300
log = logging.getLogger(__name__)


@dataclass
class Repositories:
    recipients: RecipientRepository
    preferences: PreferenceRepository
    alerts: AlertRepository
    notifications: NotificationRepository
    staff: StaffRepository
    emergency: EmergencyGrantRepository  # intake's emergency access grants (shared/emergency_grants.py)
    supervision: SupervisionRepository  # sessions' supervisor of each clinician (shared/supervision_records.py)


# -- from intake's and sessions' events: who to reach -------------------------------------------
def remember_recipient(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A registration or a correction: the latest details win. A correction of the channel at
    intake is a new statement of it, later than any preference recorded here before."""
    known = repos.recipients.get(data["client_id"])
    stated_at = data["registered_at"]
    if "changed_fields" in data:
        changed = "preferred_channel" in data["changed_fields"]
        stated_at = data["updated_at"] if changed or known is None else known.channel_stated_at
    contact = data.get("contact") or {}
    repos.recipients.put(
        Recipient(
            client_id=data["client_id"],
            given_name=data["given_name"],
            preferred_channel=data["preferred_channel"],
            email=contact.get("email"),
            phone=contact.get("phone"),
            program=data["program"],
            channel_stated_at=stated_at,
        ),
        uow,
    )
    uow.commit()


def follow_assignment(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """The client's clinician, for alerts and for who may see the client's notifications."""
    _follow_caseload(CaseloadEntry(data["client_id"], data["episode_id"], data["clinician_id"], event.time), uow, repos)


def follow_episode_closed(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A closed episode has no clinician any more: its client's alerts go to the on-call clinician."""
    current = repos.staff.treating(data["client_id"])
    if current is not None and current.episode_id == data["episode_id"]:
        former = current.clinician_id or data.get("clinician_id")
        _follow_caseload(CaseloadEntry(data["client_id"], data["episode_id"], None, event.time, former), uow, repos)
    if not uow.committed:
        uow.commit()


def _follow_caseload(entry: CaseloadEntry, uow: UnitOfWork, repos: Repositories) -> None:
    current = repos.staff.treating(entry.client_id)
    if current is None or current.changed_at <= entry.changed_at:
        repos.staff.put_caseload(entry, uow)
    uow.commit()


def recipient_status(client_id: str, recipients: RecipientRepository) -> dict[str, Any]:
    recipient = recipients.get(client_id)
    if recipient is None:
        raise NotFound("recipient")
    return {"client_id": client_id, "preferred_channel": recipient.preferred_channel, "reachable": recipient.reachable}


# -- client messages: planned from events by the rules table -------------------------------------
def plan_client_messages(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, policy: Policy
) -> None:
    """Withdraws what the event makes pointless, then plans what it calls for (see `RULES`)."""
    rule_set = RULES[event.type]
    key = data[rule_set.key]
    if rule_set.withdraws:
        for pending in repos.notifications.pending_for(key, rule_set.withdraws):
            if pending.withdraw():
                repos.notifications.save(pending, uow)
    recipient = repos.recipients.get(data["client_id"])
    reach = choice(recipient, repos.preferences.get(data["client_id"]), policy.quiet_hours)
    if recipient is not None and not reach.silent and reach.channel in (SMS, EMAIL):
        for rule in rule_set.makes:
            for offset, send_at in send_times(rule, data, event.time, policy, recipient.program, reach.quiet_hours):
                text = _client_text(rule, recipient, data, policy)
                repos.notifications.add(
                    Notification(
                        id=notification_id(rule.type, key, event.id, offset.total_seconds()),
                        type=rule.type,
                        audience=CLIENT,
                        client_id=recipient.client_id,
                        recipient_id=recipient.client_id,
                        channel=reach.channel,
                        status=SCHEDULED,
                        send_at=send_at,
                        created_at=event.time,
                        subject=text.subject,
                        body=text.body,
                        source_id=key,
                        expires_at=data[rule.timing.expires] if rule.timing.expires else None,
                        quiet_hours=rule.quiet_hours,
                        secret_link=data.get("link") if rule in (SELF_REPORT_LINK, SELF_REPORT_REMINDER) else None,
                    ),
                    uow,
                )
    uow.commit()


def _client_text(rule: Rule, recipient: Recipient, data: Mapping[str, Any], policy: Policy) -> messages.Text:
    name, zone = recipient.given_name, policy.time_zone
    if rule.template == "appointment_reminder":
        return messages.appointment_reminder(
            name, data["start"], data["modality"], data["session_id"], recipient.program, policy.senders, zone
        )
    if rule.template == "missed_session":
        return messages.missed_session(name, data["start"], zone)
    if rule.template == "self_report_link":
        return messages.self_report_link(name, data["expires_at"], zone)
    return messages.self_report_reminder(name, data["expires_at"], zone)


# -- staff alerts --------------------------------------------------------------------------------
def raise_alert_for_risk_flag(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, policy: Policy
) -> None:
    """Every risk flag becomes a staff alert at once, in-app and by e-mail, to the client's
    clinician or the on-call clinician; the same flag never makes two, and a flag already cleared
    (its event arrived late) makes none."""
    alerts = repos.alerts
    if alerts.for_flag(data["flag_id"]) is None and not alerts.was_cleared(data["flag_id"]):
        treating = repos.staff.treating(data["client_id"])
        clinician = treating.clinician_id if treating else None
        alert = Alert.for_risk_flag(
            data["client_id"],
            data["flag_id"],
            data["urgency"],
            data["source"],
            now=event.time,
            recipient_id=recipient_at(0, clinician, repos.staff.on_call()),
            clinician_id=clinician,
            intervals=policy.escalation,
        )
        alerts.add(alert, uow)
        _alert_messages(
            RISK_ALERT, alert.id, alert.client_id, alert.urgency, alert.recipient_id, 0, event.time, uow, repos, policy
        )
    uow.commit()
    _count_committed(uow)


def notify_outcome_alert(
    event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories, policy: Policy
) -> None:
    """An alert from outcomes reaches the episode's clinician (the on-call one when it has none),
    in-app and by e-mail. It carries no urgency, so it does not escalate."""
    on_call = repos.staff.on_call()
    recipient = data["clinician_id"] or (on_call.clinician if on_call else None)
    _alert_messages(
        OUTCOME_ALERT, data["alert_id"], data["client_id"], None, recipient, 0, event.time, uow, repos, policy
    )
    uow.commit()
    _count_committed(uow)


def _alert_messages(
    rule: Rule,
    alert_id: str,
    client_id: str,
    urgency: str | None,
    recipient_id: str | None,
    level: int,
    now: datetime,
    uow: UnitOfWork,
    repos: Repositories,
    policy: Policy,
) -> None:
    """One alert step to one person: in their in-app inbox at once, and an e-mail to send now."""
    text = messages.staff_alert(urgency, alert_id, level > 0, policy.senders)
    for channel in rule.channels:
        notification = Notification(
            id=notification_id(rule.type, alert_id, level, channel),
            type=rule.type,
            audience=STAFF,
            client_id=client_id,
            recipient_id=recipient_id,
            channel=channel,
            status=SCHEDULED,
            send_at=now,
            created_at=now,
            subject=text.subject,
            body=text.body,
            source_id=alert_id,
            alert_id=alert_id,
            urgency=urgency,
            quiet_hours=IGNORE,
        )
        if recipient_id is None:
            notification.fail(now, NO_RECIPIENT)  # nobody on the rota: counted, shown, and it pages
        elif channel == IN_APP:
            notification.mark_sent(now)
        repos.notifications.add(notification, uow)
        if recipient_id is None:
            break


def resolve_alert_for_cleared_flag(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    alert = repos.alerts.for_flag(data["flag_id"])
    if alert is not None:
        alert.resolve(event.time)
        repos.alerts.save(alert, uow)
    repos.alerts.remember_cleared(data["flag_id"], event.time, uow)
    uow.commit()


def alerts_for(status: str | None, viewer: Viewer, repos: Repositories) -> list[Alert]:
    """Alerts the viewer may see: `status` open, acknowledged or resolved; none given, not resolved."""
    found = repos.alerts.with_status(status) if status else repos.alerts.unresolved()
    caseload = _caseload_of((alert.client_id for alert in found), viewer, repos)
    return [alert for alert in found if may_see_alert(viewer, alert, caseload)]


def _caseload_of(client_ids: Iterable[str], viewer: Viewer, repos: Repositories) -> Caseload:
    """Who treats each of these clients, as far as the viewer's access depends on it (admin's not)."""
    return {} if viewer.sees_everything else repos.staff.caseload_of(client_ids)


def acknowledge_alert(
    alert_id: str, viewer: Viewer, now: datetime, new_uow: Callable[[], UnitOfWork], repos: Repositories
) -> Alert:
    """Acknowledges, reloading when an escalation round changed the alert at the same moment."""

    def attempt() -> Alert:
        alert = repos.alerts.get(alert_id)
        if alert is None or not may_see_alert(viewer, alert, _caseload_of([alert.client_id], viewer, repos)):
            raise NotFound("alert")
        newly = alert.status == OPEN
        alert.acknowledge(viewer.sub, now)
        uow = new_uow()
        repos.alerts.save(alert, uow)
        uow.commit()
        if newly:
            _observe_acknowledgement(alert)
        return alert

    return retry(attempt, should_retry=on_conflict((StaleWrite,), ACKNOWLEDGE_ATTEMPTS), backoff=IMMEDIATE)


def acknowledge_from_workspace(event: Envelope, data: dict[str, Any], uow: UnitOfWork, repos: Repositories) -> None:
    """A clinician took the alert on in the workspace (sessions checked the alert had reached them):
    it stops escalating. An alert already acknowledged or resolved stays as it is."""
    alert = repos.alerts.get(data["alert_id"])
    newly = alert is not None and alert.status == OPEN
    if alert is not None:
        alert.acknowledge(data["acknowledged_by"], data["acknowledged_at"])
        repos.alerts.save(alert, uow)
    uow.commit()
    if newly and alert is not None:
        _observe_acknowledgement(alert)


def escalate_due_alerts(now: datetime, new_uow: Callable[[], UnitOfWork], repos: Repositories, policy: Policy) -> int:
    """Moves every overdue, unacknowledged alert up a level and tells the person it now reaches,
    in-app and by e-mail; each alert in its own transaction."""
    escalated = 0
    on_call = repos.staff.on_call()
    for alert in repos.alerts.due_for_escalation(now):
        if not alert.escalate_if_due(
            now, partial(recipient_at, clinician=alert.clinician_id, on_call=on_call), policy.escalation
        ):
            continue
        uow = new_uow()
        repos.alerts.save(alert, uow)
        _alert_messages(
            RISK_ALERT,
            alert.id,
            alert.client_id,
            alert.urgency,
            alert.recipient_id,
            alert.escalation_level,
            now,
            uow,
            repos,
            policy,
        )
        try:
            uow.commit()
        except StaleWrite:
            continue  # acknowledged or resolved meanwhile; the next round sees the new state
        _count_committed(uow)
        escalated += 1
    return escalated


# -- what ops watch: alerts waiting, and deliveries by channel and outcome -----------------------
def measure_alerts(now: datetime, repos: Repositories, policy: Policy) -> None:
    """Open risk alerts by urgency: how many, how many are older than their urgency's escalation
    interval (nobody has taken them on in time), and the oldest one's age."""
    open_alerts = repos.alerts.with_status(OPEN)
    for urgency in RISK_URGENCIES:
        ages = [(now - a.raised_at).total_seconds() for a in open_alerts if a.urgency == urgency]
        due = interval(urgency, policy.escalation).total_seconds()
        CLINICAL_ALERTS_OPEN.labels(SERVICE, urgency).set(len(ages))
        CLINICAL_ALERTS_OVERDUE.labels(SERVICE, urgency).set(sum(1 for age in ages if age >= due))
        CLINICAL_ALERT_OLDEST_AGE.labels(SERVICE, urgency).set(max(ages, default=0.0))


def declare_metric_series() -> None:
    """Every delivery and alert series at 0 before the first message or alert (label values are
    the vocabularies', so the set is bounded)."""
    for channel in NOTIFICATION_CHANNELS:
        NOTIFICATION_RETRIES.labels(SERVICE, channel)
        for type_ in NOTIFICATION_TYPES:
            NOTIFICATIONS_SENT.labels(SERVICE, type_, channel)
            for reason in DELIVERY_FAILURES:
                NOTIFICATIONS_FAILED.labels(SERVICE, type_, channel, reason)
    NOTIFICATIONS_OVERDUE.labels(SERVICE).set(0)
    ALERT_DELIVERY_SECONDS.labels(SERVICE)
    declare_acknowledgement_series()
    for urgency in RISK_URGENCIES:
        CLINICAL_ALERTS_OPEN.labels(SERVICE, urgency).set(0)
        CLINICAL_ALERTS_OVERDUE.labels(SERVICE, urgency).set(0)
        CLINICAL_ALERT_OLDEST_AGE.labels(SERVICE, urgency).set(0)


def declare_acknowledgement_series() -> None:
    """Time to acknowledge is observed where alerts are acknowledged: the API (web) and the
    workspace's events (worker)."""
    for urgency in RISK_URGENCIES:
        ALERT_ACKNOWLEDGE_SECONDS.labels(SERVICE, urgency)


def _observe_acknowledgement(alert: Alert) -> None:
    if alert.acknowledged_at is not None and alert.urgency in RISK_URGENCIES:
        seconds = (alert.acknowledged_at - alert.raised_at).total_seconds()
        ALERT_ACKNOWLEDGE_SECONDS.labels(SERVICE, alert.urgency).observe(max(seconds, 0.0))


# -- delivery ------------------------------------------------------------------------------------
def deliver_due(
    now: datetime,
    new_uow: Callable[[], UnitOfWork],
    repos: Repositories,
    policy: Policy,
    channels: Mapping[str, Channel],
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """One delivery round: every message whose time has come, oldest first. Returns how many went."""
    due = repos.notifications.due(now, policy.in_flight_lease)
    overdue = sum(1 for n in due if (now - n.send_at).total_seconds() > OVERDUE_AFTER_SECONDS)
    NOTIFICATIONS_OVERDUE.labels(SERVICE).set(overdue)
    return sum(1 for notification in due if deliver(notification, now, new_uow, repos, policy, channels, clock))


def deliver(
    notification: Notification,
    now: datetime,
    new_uow: Callable[[], UnitOfWork],
    repos: Repositories,
    policy: Policy,
    channels: Mapping[str, Channel],
    clock: Callable[[], datetime] = utcnow,
) -> bool:
    """Send one message: decide what (or whether) to send, record the attempt, send, record the
    outcome. A crash after the send leaves the attempt recorded; once its lease runs out the next
    round sends again under the same idempotency key, which the SMS provider takes as one message
    (and which e-mail carries as its Message-ID)."""
    outgoing = _prepare(notification, now, repos, policy)
    if outgoing is not None:
        notification.begin_attempt(now)
    try:
        _save_and_count(notification, new_uow, repos)
    except StaleWrite:
        return False  # another round took it, or it was withdrawn or moved meanwhile: next round
    if outgoing is None:
        return False
    try:
        channels[notification.channel].send(outgoing)
    except TransientFailure as failure:
        code = failure.code
        NOTIFICATION_RETRIES.labels(SERVICE, notification.channel).inc()
        log.warning(
            "delivery failed; will retry",
            extra={"notification_id": notification.id, "channel": notification.channel, "error": failure.code},
        )
        _record(
            notification.id,
            lambda n: n.retry_at(now + policy.retry_delay(n.attempts), now, code),
            new_uow,
            repos,
        )
        return False
    except PermanentFailure as failure:
        log.error(
            "delivery refused",
            extra={"notification_id": notification.id, "channel": notification.channel, "error": failure.code},
        )
        _record(notification.id, lambda n: n.fail(now, REJECTED), new_uow, repos)
        return False
    sent_at = clock()
    _record(notification.id, lambda n: n.mark_sent(sent_at), new_uow, repos)
    if notification.type == RISK_ALERT.type and notification.channel == EMAIL:
        ALERT_DELIVERY_SECONDS.labels(SERVICE).observe(max((sent_at - notification.created_at).total_seconds(), 0.0))
    return True


def _prepare(notification: Notification, now: datetime, repos: Repositories, policy: Policy) -> OutgoingMessage | None:
    """The message to send now, or None after deciding it cannot go (or not yet): withdrawn (the
    client opted out), failed (no address) or postponed (quiet hours)."""
    if notification.audience == STAFF:
        member = repos.staff.member(notification.recipient_id or "")
        if member is None:
            notification.fail(now, NO_ADDRESS)
            return None
        return OutgoingMessage(
            notification.id, member.email, policy.senders.staff_email, notification.subject, notification.text
        )
    recipient = repos.recipients.get(notification.client_id)
    reach = choice(recipient, repos.preferences.get(notification.client_id), policy.quiet_hours)
    if recipient is None or reach.silent:
        notification.withdraw(OPTED_OUT)
        return None
    if reach.channel != notification.channel and reach.channel in (SMS, EMAIL):
        notification.redirect(reach.channel)
    later = _after_quiet_hours(notification, now, reach.quiet_hours, policy)
    if later is not None:
        notification.retry_at(later, now, "quiet_hours")
        return None
    address = recipient.address(notification.channel)
    if address is None:
        notification.fail(now, NO_ADDRESS)
        return None
    part2 = messages.is_part2(recipient.program)
    senders = policy.senders
    if notification.channel == SMS:
        sender = senders.sms_part2 if part2 else senders.sms
    else:
        sender = senders.email_part2 if part2 else senders.email
    return OutgoingMessage(notification.id, address, sender, notification.subject, notification.text)


def _after_quiet_hours(
    notification: Notification, now: datetime, quiet: QuietHours | None, policy: Policy
) -> datetime | None:
    """When a client message planned inside the client's quiet hours (they changed since) may go."""
    if notification.quiet_hours == IGNORE:
        return None
    if fit(notification.send_at, quiet, policy.time_zone, LATER) == notification.send_at:
        return None
    later = fit(now, quiet, policy.time_zone, LATER)
    return later if later > now else None


def _record(
    notification_id_: str,
    change: Callable[[Notification], None],
    new_uow: Callable[[], UnitOfWork],
    repos: Repositories,
) -> None:
    """The outcome of a send, on the latest version (a reschedule may have saved it meanwhile)."""

    def attempt() -> None:
        current = repos.notifications.get(notification_id_)
        if current is None:
            return
        change(current)
        _save_and_count(current, new_uow, repos)

    retry(attempt, should_retry=on_conflict((StaleWrite,), RECORD_ATTEMPTS), backoff=IMMEDIATE)


def _save_and_count(notification: Notification, new_uow: Callable[[], UnitOfWork], repos: Repositories) -> None:
    uow = new_uow()
    repos.notifications.save(notification, uow)
    uow.commit()
    _count_committed(uow)


def _count_committed(uow: UnitOfWork) -> None:
    for event in uow.events:
        if event.type == "notifications.sent":
            NOTIFICATIONS_SENT.labels(SERVICE, event.data["type"], event.data["channel"]).inc()
        elif event.type == "notifications.failed":
            data = event.data
            NOTIFICATIONS_FAILED.labels(SERVICE, data["type"], data["channel"], data["reason"]).inc()


# -- the API: lists, preferences, the rota and the staff directory ---------------------------------
def notifications_for(filters: Mapping[str, str | None], viewer: Viewer, repos: Repositories) -> list[Notification]:
    found = repos.notifications.search(
        client_id=filters.get("client_id"),
        recipient_id=filters.get("recipient"),
        type_=filters.get("type"),
        status=filters.get("status"),
        scope=list_scope(viewer, repos, filters.get("client_id")),
    )
    caseload = _caseload_of((n.client_id for n in found), viewer, repos)
    return [n for n in found if may_see_notification(viewer, n, caseload, filters.get("client_id"))]


def list_scope(viewer: Viewer, repos: Repositories, asked_for: str | None) -> MessageScope:
    """What the viewer may list, for the query itself, so a page holds what they may see."""
    if viewer.sees_everything:
        return message_scope(viewer)
    if viewer.role == SUPERVISOR:
        others = repos.staff.treated_by_others(viewer.team | {viewer.sub})
        return message_scope(viewer, others_clients=others, asked_for=asked_for)
    return message_scope(viewer, repos.staff.clients_of(viewer.sub), asked_for=asked_for)


def preferences_of(client_id: str, repos: Repositories, policy: Policy) -> dict[str, Any]:
    recipient = repos.recipients.get(client_id)
    preferences = repos.preferences.get(client_id)
    if recipient is None and preferences is None:
        raise NotFound("client")
    reach = choice(recipient, preferences, policy.quiet_hours)
    return {
        "client_id": client_id,
        "channel": reach.channel,
        "opted_out": reach.opted_out,
        "quiet_hours": reach.quiet_hours,
        "reachable": recipient is not None and not reach.silent and recipient.address(reach.channel) is not None,
        "updated_at": preferences.updated_at if preferences else None,
    }


def set_preferences(
    client_id: str,
    body: Mapping[str, Any],
    by: str,
    now: datetime,
    new_uow: Callable[[], UnitOfWork],
    repos: Repositories,
    policy: Policy,
) -> dict[str, Any]:
    """Records what the client asked for; it applies to every message not yet sent."""
    if repos.recipients.get(client_id) is None:
        raise NotFound("client")

    def attempt() -> None:
        current = repos.preferences.get(client_id)
        uow = new_uow()
        quiet = body["quiet_hours"]
        updated = Preferences(
            client_id=client_id,
            channel=body["channel"],
            opted_out=body["opted_out"],
            quiet_hours=QuietHours(quiet["start"], quiet["end"]) if quiet else None,
            updated_at=now,
            updated_by=by,
            version=current.version if current else 0,
        )
        if current is None:
            repos.preferences.add(updated, uow)
        else:
            repos.preferences.save(updated, uow)
        uow.commit()

    retry(attempt, should_retry=on_conflict((StaleWrite,), ACKNOWLEDGE_ATTEMPTS), backoff=IMMEDIATE)
    return preferences_of(client_id, repos, policy)


def on_call(repos: Repositories) -> OnCall:
    found = repos.staff.on_call()
    if found is None:
        raise NotFound("on-call rota")
    return found


def set_on_call(
    body: Mapping[str, str], by: str, now: datetime, new_uow: Callable[[], UnitOfWork], repos: Repositories
) -> OnCall:
    """Who is on call from now on: the next alert (and the next escalation step) reaches them."""
    current = repos.staff.on_call()
    updated = OnCall(
        clinician=body["clinician"],
        supervisor=body["supervisor"],
        clinical_lead=body["clinical_lead"],
        updated_at=now,
        updated_by=by,
        version=current.version if current else 0,
    )
    uow = new_uow()
    if current is None:
        repos.staff.add_on_call(updated, uow)
    else:
        repos.staff.save_on_call(updated, uow)
    uow.commit()
    return updated


def staff_member(staff_id: str, repos: Repositories) -> StaffMember:
    member = repos.staff.member(staff_id)
    if member is None:
        raise NotFound("staff member")
    return member


def set_staff_member(
    staff_id: str, email: str, by: str, now: datetime, new_uow: Callable[[], UnitOfWork], repos: Repositories
) -> StaffMember:
    member = StaffMember(id=staff_id, email=email, updated_at=now, updated_by=by)
    uow = new_uow()
    repos.staff.put_member(member, uow)
    uow.commit()
    return member
