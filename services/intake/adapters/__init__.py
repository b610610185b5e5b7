"""Storage of the intake service: every collection it keeps, for index creation at start."""

from services.intake.adapters.access import ALERT_REACH, CASELOAD
from services.intake.adapters.clients import CLIENTS, REQUEST_KEYS, SCREENINGS

COLLECTIONS = (CLIENTS, SCREENINGS, REQUEST_KEYS, CASELOAD, ALERT_REACH)
