"""The intake staff web UI (server-rendered pages under /ui), registered with app.register_blueprint(ui).

Importing the modules below is what registers their hooks and routes on the one blueprint.
"""

from services.intake.entrypoints.ui import pages, template_context  # noqa: F401
from services.intake.entrypoints.ui.blueprint import INTAKE_UI, ui
from shared.staff_ui import USERS_KEY

__all__ = ["INTAKE_UI", "USERS_KEY", "ui"]
