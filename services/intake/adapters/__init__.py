"""Storage of the intake service: every collection it keeps, for index creation at start."""

from services.intake.adapters.clients import CLIENTS, REGISTRATION_REQUESTS, SCREENINGS

COLLECTIONS = (CLIENTS, SCREENINGS, REGISTRATION_REQUESTS)
