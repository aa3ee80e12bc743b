"""An organisation's own manage pages, at /organisaties/<id>/beheer: shared by its contacts and the organisers.

The organisation is loaded and authorised once, before any view (core.scope): views get `g.organisation`, never the
id. Its contacts' pages are accounts.member_pages: a contact is found only within it, so somebody else's contact is a
404. A company that is not verified yet can be edited by its contacts but stays unpublished until an organiser
verifies it.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from ..accounts.home import home_sections
from ..accounts.member_pages import Members, add_member_pages
from ..accounts.models import Role
from ..core.access import actor
from ..core.extensions import db
from ..core.scope import scope_to
from ..core.transaction import unit_of_work
from . import memberships, policy, services, wording
from .forms import OrganisationForm, organisation_values
from .vocabulary import LEERWEGEN, OFFER_KINDS, PROFILES, kind_labels

bp = Blueprint("organisation_scope", __name__, url_prefix="/organisaties/<int:organisation_id>/beheer")
scope_to(bp, arg="organisation_id", name="organisation",
         load=lambda organisation_id: services.by_id(db.session, organisation_id),
         can_manage=policy.can_manage, key=lambda organisation: organisation.id)


@bp.context_processor
def _vocabulary():
    return {"kind_labels": kind_labels, "profile_labels": PROFILES, "leerweg_labels": LEERWEGEN,
            "offer_labels": OFFER_KINDS}


def _is_organiser() -> bool:
    return actor().has_role(Role.ORGANISER)


def _edit_page(form, status=200):
    return render_template("organisations/manage/edit.html", organisation=g.organisation, form=form), status


@bp.route("/", methods=["GET", "POST"])
def edit():
    """The organisation's own page: its contacts edit the website and what it offers (a company) or its profiles
    and leerwegen (a vmbo school); organisers also the name."""
    organisation = g.organisation
    form = OrganisationForm(obj=organisation, organisation=organisation, organiser=_is_organiser())
    if not form.validate_on_submit():
        return _edit_page(form, 422 if form.is_submitted() else 200)
    with unit_of_work():
        changed = services.update_organisation(db.session, organisation, actor(), organisation_values(form))
    flash(_("De gegevens van de organisatie zijn opgeslagen.") if changed else _("Er was niets veranderd."), "ok")
    return redirect(url_for(".edit"), code=303)


add_member_pages(bp, Members(
    scope="organisation", path="contactpersonen", endpoint="contacts", member="contact",
    template="organisations/manage/contacts.html", nav="organisations/manage/_nav.html",
    list=memberships.contacts_of, find=memberships.contact_in, add=memberships.add_contact,
    end=memberships.end_contact, texts=wording.CONTACTS))


@home_sections.connect
def _my_organisations(user):
    """On Mijn omgeving: the organisations this person is a contact of, with links to their manage pages."""
    return 30, "organisations/_my_organisations.html", {
        "organisations": memberships.organisations_of(db.session, user)}
