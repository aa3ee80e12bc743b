"""Render the busiest pages once before the server takes its first visitor.

A fresh process compiles every template, loads the translations and builds the SQL of each page on its first view:
seconds on a busy machine. `wsgi.py` calls warm_up() at start-up; with `gunicorn --preload` (as `make run` starts it)
the master does this once before it opens the port, and every worker it forks starts warm.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from .core import pagecache
from .core.extensions import db

log = logging.getLogger(__name__)


def _pages(app) -> list[str]:
    from .meetings.models import Meeting, MeetingStatus

    pages = ["/", "/privacy", "/inloggen"]
    with app.app_context():
        slug = db.session.scalar(sa.select(Meeting.slug).where(Meeting.status == MeetingStatus.PUBLISHED)
                                 .order_by(Meeting.starts_at).limit(1))
        db.session.remove()
    with app.test_request_context():
        pages.append(app.url_for("meetings.index"))
        if slug:
            pages += [app.url_for("meetings.detail", slug=slug), app.url_for("registrations.sign_up", slug=slug)]
    return pages


def warm_up(app) -> list[str]:
    """GET each busy page in both languages, as a browser would; returns the paths that answered 200.

    Nothing is kept that a forked worker could share by mistake: no page in the page cache, no open database
    connection. A database that is not there yet (not migrated) only leaves the server cold, never down.
    """
    warmed = []
    try:
        pages = _pages(app)
        for lang in ("nl", "en"):
            client = app.test_client()
            with client.session_transaction() as session:
                session["lang"] = lang
            for path in pages:
                response = client.get(path, headers={"Accept-Encoding": "br, gzip"})
                if response.status_code == 200:
                    warmed.append(path)
    except Exception:  # noqa: BLE001  (a cold start is better than none)
        log.exception("warm-up failed; the first requests will be slower")
    finally:
        pagecache.clear()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return warmed
