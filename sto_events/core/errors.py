"""Error pages in the visitor's language, for browsers and for htmx requests alike."""

from __future__ import annotations

import logging
import uuid

from flask import g, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError, DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db, login_manager

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        _l("Ongeldig verzoek"),
        _l("Uw verzoek kon niet worden verwerkt. Controleer de link of het formulier en probeer het opnieuw."),
    ),
    403: (_l("Geen toegang"), _l("U heeft geen toegang tot deze pagina.")),
    404: (_l("Pagina niet gevonden"), _l("Deze pagina bestaat niet (meer). Misschien is de link verouderd.")),
    405: (_l("Niet toegestaan"), _l("Deze actie kan niet op deze manier worden uitgevoerd.")),
    409: (
        _l("Conflict"),
        _l("Iemand anders wijzigde dit tegelijk met u. Laad de pagina opnieuw en probeer het nog eens."),
    ),
    410: (_l("Link verlopen"), _l("Deze link is niet meer geldig.")),
    413: (
        _l("Te veel gegevens"),
        _l("U stuurde meer gegevens dan wij kunnen ontvangen. Maak uw invoer korter."),
    ),
    429: (
        _l("Te veel pogingen"),
        _l("U heeft dit te vaak geprobeerd. Wacht een paar minuten en probeer het dan opnieuw."),
    ),
    500: (
        _l("Er ging iets mis"),
        _l("Er ging aan onze kant iets mis. Probeer het over een paar minuten opnieuw."),
    ),
    503: (
        _l("Even niet beschikbaar"),
        _l("Het is nu erg druk of de database is even niet bereikbaar. Probeer het over een paar minuten opnieuw."),
    ),
}


def render_error(code: int, message: str | None = None, reference: str | None = None,
                 template: str = "errors/error.html"):
    """The error page for this status; a domain may pass its own template that extends errors/error.html."""
    title, default = MESSAGES.get(code, MESSAGES[500])
    page = render_template(template, code=code, title=title, message=message or default,
                           reference=reference)
    return page, code


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_error(
            400, _l("Het formulier was verlopen of onvolledig. Laad de pagina opnieuw en probeer het nog eens.")
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code)

    @app.errorhandler(OperationalError)
    def database_unavailable(exc):
        db.session.rollback()
        # The page is shown as to a visitor: loading the logged-in user would ask the database again.
        g._login_user = login_manager.anonymous_user()
        reference = uuid.uuid4().hex[:8]
        # The reference ties what the visitor reports to this line in the log; no details reach the page.
        log.error("database unavailable or busy (reference %s): %s", reference, exc.__class__.__name__)
        return render_error(503, reference=reference)

    @app.errorhandler(DataError)
    def data_error(exc):
        # A value the database refuses (such as a NUL byte) is bad input, not a server fault.
        db.session.rollback()
        return render_error(400)

    @app.teardown_appcontext
    def close_session(exc):
        # Runs before Flask-SQLAlchemy's own teardown. When the database went away after the page was made (a
        # restart), ending the transaction fails: throw the connection away instead, the pool opens a new one.
        try:
            db.session.remove()
        except DBAPIError as error:
            log.warning("database connection lost at the end of a request: %s", error.__class__.__name__)
            db.session.registry().invalidate()
            db.session.registry.clear()

    @app.errorhandler(InternalServerError)
    def server_error(exc):
        return render_error(500)
