"""Situasjonsbilde: ``python app.py`` serves the embedded default; ``app:server`` is for WSGI."""

from dashboard.app_factory import create_app, freeze_startup, start_warmup
from dashboard.security import QuietRequestHandler
from dashboard.settings import load_settings

settings = load_settings()
app = create_app(settings)
server = app.server
freeze_startup()

if __name__ == "__main__":
    start_warmup(settings, app)
    app.run(
        host=settings.host,
        port=settings.port,
        debug=settings.debug,
        request_handler=QuietRequestHandler,  # no server version in the Server header
    )
