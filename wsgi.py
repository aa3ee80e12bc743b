"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from sto_events import create_app

app = create_app()
