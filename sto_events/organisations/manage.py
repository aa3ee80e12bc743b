"""Back office of the directory: organisations, their import (dry run first) and export. Organisers only."""

from __future__ import annotations

import base64
import binascii
import io

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.services import record
from ..core import spreadsheets
from ..core.access import actor, organisers_only
from ..core.extensions import db, htmx
from ..core.loaders import load_args
from ..core.navigation import backoffice_link
from ..core.paging import requested_page
from ..core.templating import forbid_caching, list_fragment
from . import companies, importing, listing
from .forms import ConfirmImportForm, ImportForm, RefuseForm, VerifyForm, file_error_text, rejection_text
from .models import Organisation
from .vocabulary import OFFER_KINDS, OrganisationKind, kind_labels

bp = Blueprint("organisations_manage", __name__, url_prefix="/beheer/organisaties")
bp.before_request(organisers_only)
# Only a company that still waits: anything else (unknown, verified, a school) is a 404.
load_args(bp, organisation_id=("company", lambda value: companies.unverified(db.session, value)))
bp.after_request(forbid_caching)

backoffice_link("organisations_manage", "organisations_manage.index", _l("Organisaties"), 30)
backoffice_link("organisations_manage", "organisations_manage.verification_queue", _l("Bedrijven te verifiëren"), 35,
                count=lambda: companies.waiting_count(db.session))

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.context_processor
def _words():
    return {"rejection_text": rejection_text, "offer_labels": OFFER_KINDS, "kind_labels": kind_labels}


#: The longest search text we look for; a longer one is cut, not refused.
SEARCH_MAX = 200


def _filters() -> dict[str, str]:
    """The list's filters from the query string (empty ones left out): a kind or verification value that is not
    on offer is a 400, a page that is not a number is the first page."""
    found = {"q": request.args.get("q", "").strip()[:SEARCH_MAX]}
    for name, allowed in (("soort", {kind.value for kind in OrganisationKind}),
                          ("verificatie", {listing.VERIFIED, listing.WAITING})):
        value = request.args.get(name, "")
        if value and value not in allowed:
            abort(400)
        found[name] = value
    return {name: value for name, value in found.items() if value}


def _listing(filters: dict[str, str]) -> listing.Listing:
    return listing.search(db.session, filters.get("q", ""),
                          OrganisationKind(filters["soort"]) if "soort" in filters else None,
                          filters.get("verificatie"), requested_page())


def _page(form, status=200, **context):
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
    waiting = companies.waiting_count(db.session)
    filters = _filters()
    return render_template("organisations/manage/index.html", form=form, total=total, waiting=waiting,
                           filters=filters, found=_listing(filters), **context), status


@bp.get("/")
def index():
    """Every organisation, searchable and by page (htmx swaps only the list); export, and the import form."""
    if htmx and htmx.target == "organisation-list":
        filters = _filters()
        return list_fragment("organisations/manage/_list.html", filters=filters, found=_listing(filters))
    return _page(ImportForm())


@bp.post("/import")
def check_import():
    """The dry run: read the file and show, row by row, what importing it would do. Writes nothing."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    data, filename = form.file.data.read(), form.file.data.filename or ""
    try:
        plan = importing.plan(db.session, importing.read_table(filename, data))
    except importing.ImportFileError as error:
        form.file.errors.append(file_error_text(error))
        return _page(form, 422)
    confirm = ConfirmImportForm(content=base64.b64encode(data).decode("ascii"), filename=filename)
    return _page(ImportForm(formdata=None), plan=plan, confirm=confirm, filename=filename)


@bp.post("/import/uitvoeren")
def run_import():
    """The import itself, of the file the dry run showed: adds and changes the good rows, skips rejected ones."""
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
        plan = importing.plan(db.session, importing.read_table(form.filename.data or "", data))
    except (binascii.Error, importing.ImportFileError):
        abort(400)
    counts = importing.apply(db.session, plan)
    record(db.session, actor(), "directory.import", None,
           f"{counts['add']} added, {counts['change']} changed, {counts['reject']} rejected")
    db.session.commit()
    flash(_("Import klaar: %(add)s toegevoegd, %(change)s gewijzigd, %(same)s ongewijzigd, %(reject)s overgeslagen.",
            **counts), "ok")
    return redirect(url_for(".index"), code=303)


@bp.get("/export.<any(csv, xlsx):kind>")
def export(kind: str):
    """Every organisation in the import's format (formula-safe), to edit and import again."""
    columns, rows = importing.export_rows(db.session)
    if kind == "csv":
        body, mimetype = spreadsheets.to_csv(rows, columns).encode("utf-8"), "text/csv"
    else:
        body, mimetype = spreadsheets.to_xlsx(rows, columns, _("Organisaties")), XLSX_TYPE
    return send_file(io.BytesIO(body), mimetype=mimetype, as_attachment=True,
                     download_name=f"organisaties.{kind}")


def _queue_page(refuse_forms=None, status=200):
    waiting = companies.awaiting_verification(db.session)
    forms = {company.id: RefuseForm(formdata=None, prefix=f"refuse-{company.id}") for company, _ in waiting}
    forms.update(refuse_forms or {})
    return render_template("organisations/manage/verification.html", waiting=waiting, verify_form=VerifyForm(),
                           refuse_forms=forms,
                           region_names=companies.region_names_of(db.session, [c.id for c, _ in waiting])), status


@bp.get("/te-verifieren")
def verification_queue():
    """Companies that registered themselves and wait for an organiser: verify or refuse each."""
    return _queue_page()


@bp.post("/te-verifieren/<int:organisation_id>/verifieren")
def verify(company: Organisation):
    """Make the company public and mail its contacts."""
    if not VerifyForm().validate_on_submit():
        abort(400)
    companies.verify(db.session, company, actor())
    db.session.commit()
    flash(_("%(name)s is geverifieerd en staat nu in het overzicht.", name=company.name), "ok")
    return redirect(url_for(".verification_queue"), code=303)


@bp.post("/te-verifieren/<int:organisation_id>/afwijzen")
def refuse(company: Organisation):
    """Refuse the company with a reason, which is mailed to its contacts; the registration is removed."""
    form = RefuseForm(prefix=f"refuse-{company.id}")
    if not form.validate_on_submit():
        return _queue_page({company.id: form}, 422)
    name = company.name
    companies.refuse(db.session, company, actor(), form.reason.data)
    db.session.commit()
    flash(_("De aanmelding van %(name)s is afgewezen en verwijderd; de contactpersoon krijgt de reden per e-mail.",
            name=name), "ok")
    return redirect(url_for(".verification_queue"), code=303)
