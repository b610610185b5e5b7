"""Storage of the sessions service: every collection it keeps, for index creation at start."""

from services.sessions.adapters.episodes import EPISODES

COLLECTIONS = (EPISODES,)
