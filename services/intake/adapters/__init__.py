"""Storage of the intake service: every collection it keeps, for index creation at start."""

from services.intake.adapters.access import ACCESS_GRANTS, ALERT_REACH, CASELOAD
from services.intake.adapters.clients import CLIENTS, REQUEST_KEYS, SCREENINGS
from shared.audit import AUDIT
from shared.supervision_records import SUPERVISION

COLLECTIONS = (CLIENTS, SCREENINGS, REQUEST_KEYS, CASELOAD, ALERT_REACH, ACCESS_GRANTS, SUPERVISION, AUDIT)
