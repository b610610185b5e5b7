"""The intake staff web UI (server-rendered pages under /ui), registered with app.register_blueprint(ui)."""
from services.intake.entrypoints.ui.security import USERS_KEY
from services.intake.entrypoints.ui.views import ui

__all__ = ["USERS_KEY", "ui"]
