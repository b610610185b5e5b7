"""The staff pages, one module per page group; importing them registers their routes on `ui`."""

from services.intake.entrypoints.ui.pages import (  # noqa: F401
    admission,
    assessment,
    client_edit,
    client_record,
    consents,
    emergency_access,
    registration,
    risk_flags,
    screenings,
    work_queue,
)
