"""The clinician workspace (server-rendered pages under /ui), registered with app.register_blueprint(ui).

Importing the modules below is what registers their hooks and routes on the one blueprint.
"""

from services.sessions.entrypoints.ui import emergency, pages, template_context  # noqa: F401
from services.sessions.entrypoints.ui.blueprint import SESSIONS_UI, ui
from shared.staff_ui import USERS_KEY

__all__ = ["SESSIONS_UI", "USERS_KEY", "ui"]
