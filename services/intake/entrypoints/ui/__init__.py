"""The intake staff web UI (server-rendered pages under /ui), registered with app.register_blueprint(ui).

Importing the modules below is what registers their hooks and routes on the one blueprint.
"""

from services.intake.entrypoints.ui import access, error_pages, pages, template_context  # noqa: F401
from services.intake.entrypoints.ui.blueprint import ui
from services.intake.entrypoints.ui.security import USERS_KEY

__all__ = ["USERS_KEY", "ui"]
