"""Storage of the notifications service: every collection it keeps, for index creation at start."""

from services.notifications.adapters.alerts import ALERTS, CLEARED_FLAGS
from services.notifications.adapters.notifications import NOTIFICATIONS
from services.notifications.adapters.people import CASELOAD, ON_CALL, PREFERENCES, STAFF
from services.notifications.adapters.recipients import RECIPIENTS
from shared.audit import AUDIT
from shared.emergency_grants import EMERGENCY_GRANTS
from shared.supervision_records import SUPERVISION

COLLECTIONS = (
    ALERTS,
    CLEARED_FLAGS,
    RECIPIENTS,
    NOTIFICATIONS,
    PREFERENCES,
    STAFF,
    ON_CALL,
    CASELOAD,
    AUDIT,
    EMERGENCY_GRANTS,
    SUPERVISION,
)
