"""Entry point for gunicorn: `gunicorn --preload wsgi:app` (warmed up once, before the port opens)."""

from sto_events import create_app
from sto_events.warmup import warm_up

app = create_app()
warm_up(app)
