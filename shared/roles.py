"""Staff roles and the groups of them that policy speaks of, defined once.

Route tables (`services/<s>/entrypoints/access.py`) and domain rules both use these names, so
"who may clear a risk flag" is one tuple, not two that can drift apart.
"""

from __future__ import annotations

INTAKE, CLINICIAN, SUPERVISOR, OPS, ADMIN = "intake", "clinician", "supervisor", "ops", "admin"
ROLES: tuple[str, ...] = (INTAKE, CLINICIAN, SUPERVISOR, OPS, ADMIN)

# Everyone who works with identified clients (ops sees de-identified aggregates only).
STAFF = (INTAKE, CLINICIAN, SUPERVISOR, ADMIN)
CLINICAL = (CLINICIAN, SUPERVISOR, ADMIN)
REGISTRARS = (INTAKE, ADMIN)
RISK_CLEARERS = (CLINICIAN, SUPERVISOR)
REPORT_READERS = (OPS, SUPERVISOR, ADMIN)
# Who may break glass: a time-limited read of one client outside their caseload or team.
EMERGENCY_READERS = (CLINICIAN, SUPERVISOR)
