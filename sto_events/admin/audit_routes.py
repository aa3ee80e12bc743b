"""Back office: the audit log, in words rather than the codes it stores."""

from flask import render_template
from flask_babel import gettext as _

from ..audit import services as audit
from ..core.extensions import db
from .routes import bp


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
        "registration.check_in": _("Ingecheckt"),
        "registration.check_in_undo": _("Inchecken ongedaan gemaakt"),
        "user.invite": _("Account uitgenodigd"),
        "user.activate": _("Account aangezet"),
        "user.deactivate": _("Account uitgezet"),
        "user.change_password": _("Wachtwoord gewijzigd"),
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
    }


@bp.get("/logboek")
def audit_log():
    """The latest organiser actions: who changed what, and when."""
    return render_template("admin/audit_log.html", entries=audit.latest(db.session), actions=action_labels(),
                           targets=target_labels())
