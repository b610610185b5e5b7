"""Storage of the sessions service: every collection it keeps, for index creation at start."""

from services.sessions.adapters.alerts import STAFF_ALERTS
from services.sessions.adapters.clients import CLIENT_CARDS
from services.sessions.adapters.clinicians import CLINICIANS
from services.sessions.adapters.episodes import EPISODES
from services.sessions.adapters.groups import GROUPS
from services.sessions.adapters.outcomes import OUTCOME_WATCH
from services.sessions.adapters.risk import RISK_WATCH
from services.sessions.adapters.scores import SCORES
from services.sessions.adapters.sessions import SESSIONS
from shared.audit import AUDIT
from shared.emergency_grants import EMERGENCY_GRANTS

COLLECTIONS = (
    EPISODES,
    CLINICIANS,
    SESSIONS,
    RISK_WATCH,
    GROUPS,
    SCORES,
    CLIENT_CARDS,
    OUTCOME_WATCH,
    STAFF_ALERTS,
    AUDIT,
    EMERGENCY_GRANTS,
)
