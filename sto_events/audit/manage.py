"""The audit log in the back office, in words rather than the codes it stores. Organisers only."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.access import organisers_only
from ..core.extensions import db
from ..core.navigation import backoffice_link
from ..core.templating import forbid_caching
from . import services as audit

bp = Blueprint("audit_manage", __name__, url_prefix="/beheer")
bp.before_request(organisers_only)
bp.after_request(forbid_caching)

backoffice_link("audit_manage", "audit_manage.audit_log", _l("Logboek"), 50)


def action_labels() -> dict[str, str]:
    """Stored action code → what an organiser reads; a code missing here is shown as it is stored."""
    return {
        "meeting.create": _("Bijeenkomst aangemaakt"),
        "meeting.update": _("Bijeenkomst gewijzigd"),
        "meeting.publish": _("Bijeenkomst gepubliceerd"),
        "meeting.cancel": _("Bijeenkomst geannuleerd"),
        "meeting.mail": _("Bericht aan deelnemers gestuurd"),
        "round.create": _("Ronde toegevoegd"),
        "round.update": _("Ronde gewijzigd"),
        "round.delete": _("Ronde verwijderd"),
        "workshop.create": _("Workshop toegevoegd"),
        "workshop.update": _("Workshop gewijzigd"),
        "workshop.delete": _("Workshop verwijderd"),
        "registration.move": _("Deelnemer verplaatst"),
        "registration.cancel": _("Aanmelding geannuleerd"),
        "registration.admit": _("Toegelaten van de wachtlijst"),
        "registration.region": _("Regio van een aanmelding gewijzigd"),
        "registration.check_in": _("Ingecheckt"),
        "registration.check_in_undo": _("Inchecken ongedaan gemaakt"),
        "user.invite": _("Account uitgenodigd"),
        "user.activate": _("Account aangezet"),
        "user.deactivate": _("Account uitgezet"),
        "user.change_password": _("Wachtwoord gewijzigd"),
        "region.update": _("Regio gewijzigd"),
        "region.coordinator.add": _("Coördinator uitgenodigd"),
        "region.coordinator.end": _("Coördinator beëindigd"),
        "organisation.update": _("Organisatie gewijzigd"),
        "organisation.contact.add": _("Contactpersoon uitgenodigd"),
        "organisation.contact.end": _("Contactpersoon beëindigd"),
        "company.register": _("Bedrijf aangemeld"),
        "company.verify": _("Bedrijf geverifieerd"),
        "company.refuse": _("Bedrijf afgewezen"),
        "directory.import": _("Organisaties geïmporteerd"),
    }


def target_labels() -> dict[str, str]:
    """Stored target type (the model's class name) → the word for it."""
    return {
        "meeting": _("Bijeenkomst"),
        "workshopround": _("Workshopronde"),
        "workshop": _("Workshop"),
        "registration": _("Aanmelding"),
        "user": _("Account"),
        "mailing": _("Bericht"),
        "region": _("Regio"),
        "organisation": _("Organisatie"),
    }


@bp.get("/logboek")
def audit_log():
    """The latest organiser actions: who changed what, and when."""
    return render_template("audit/manage/audit_log.html", entries=audit.latest(db.session), actions=action_labels(),
                           targets=target_labels())
