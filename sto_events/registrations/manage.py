"""The registrations' back office: attendees per meeting, moving and cancelling, admitting from the waiting list,
check-in, mail to attendees, and the attendee lists as CSV, Excel or a printable presence list. Organisers only."""

from __future__ import annotations

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms.fields.choices import SelectChoice

from ..core import spreadsheets
from ..core.access import actor, organisers_only
from ..core.errors import render_error
from ..core.extensions import db, htmx
from ..core.loaders import by_id, load_args
from ..core.paging import requested_page
from ..core.templating import forbid_caching, list_fragment
from ..core.transaction import unit_of_work
from ..core.urls import safe_next
from ..meetings.models import Meeting
from ..regions import services as regions
from . import attendees, exports, mails, wording
from .forms import MailingForm, RegionForm, region_form, role_labels
from .models import Mailing, Registration
from .services import RegistrationError
from .tokens import InvalidToken, read_check_in_token


def _by_check_in_token(token: str) -> Registration | None:
    """The registration a check-in QR code names (None for a token that is not one of ours)."""
    try:
        public_id = read_check_in_token(token)
    except InvalidToken:
        return None
    return db.session.scalar(db.select(Registration).where(Registration.public_id == public_id))


# Reached from a meeting's back-office page; personal data throughout, so no copy in any cache.
bp = Blueprint("registrations_manage", __name__, url_prefix="/beheer")
bp.before_request(organisers_only)
load_args(bp, meeting_id=("meeting", by_id(Meeting)), registration_id=("registration", by_id(Registration)),
          mailing_id=("mailing", by_id(Mailing)), token=("registration", _by_check_in_token))
bp.after_request(forbid_caching)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(meeting: Meeting):
    """The list filters from the query string; a value that is not allowed is a 400, not an empty list."""
    status = request.args.get("status", "")
    if status and status not in attendees.STATUSES:
        abort(400)
    raw_workshop = request.args.get("workshop", "")
    workshop_id = None
    if raw_workshop:
        ids = {w.id for r in meeting.rounds for w in r.workshops}
        if not raw_workshop.isdigit() or int(raw_workshop) not in ids:
            abort(400)
        workshop_id = int(raw_workshop)
    return request.args.get("q", "").strip()[:200], status, workshop_id


@bp.get("/bijeenkomsten/<int:meeting_id>/deelnemers")
def attendee_list(meeting: Meeting):
    """Everyone who signed up, searchable and filterable live (htmx swaps only the table)."""
    query, status, workshop_id = _filters(meeting)
    found = attendees.attendee_page(db.session, meeting.id, query, status, workshop_id, requested_page())
    filters = {k: v for k, v in (("q", query), ("status", status), ("workshop", workshop_id)) if v}
    context = {"meeting": meeting, "found": found, "registrations": found.registrations, "query": query,
               "status": status, "workshop_id": workshop_id, "filters": filters}
    if htmx and htmx.target == "attendees":
        return list_fragment("registrations/manage/_attendee_table.html", **context)
    return render_template("registrations/manage/attendees.html", **context)


def _registration_page(registration: Registration, form: RegionForm | None = None):
    return render_template("registrations/manage/registration.html", registration=registration,
                           role_labels=role_labels(),
                           region_form=form or region_form(regions.choices(db.session), registration))


@bp.get("/aanmeldingen/<int:registration_id>")
def registration(registration: Registration):
    """One registration: details, questions, and the organiser's actions."""
    return _registration_page(registration)


@bp.post("/aanmeldingen/<int:registration_id>/regio")
def set_region(registration: Registration):
    """Correct the region someone chose (or typed long ago) to one from the directory, or clear it."""
    form = region_form(regions.choices(db.session))
    if not form.validate():
        return _registration_page(registration, form), 422
    try:
        changed = attendees.set_region(db.session, registration, form.region_id.data, actor())
    except RegistrationError as error:
        db.session.rollback()
        flash(_error_text(error), "error")
        return _back(registration)
    db.session.commit()
    flash(_("De regio is opgeslagen.") if changed else _("Niets gewijzigd."), "ok" if changed else "info")
    return _back(registration)


def _back(registration: Registration):
    target = safe_next(request.form.get("next"), url_for(".registration", registration_id=registration.id))
    return redirect(target, code=303)


def _error_text(error: RegistrationError) -> str:
    return wording.for_organiser(error)


@bp.post("/aanmeldingen/<int:registration_id>/verplaatsen")
def move_registration(registration: Registration):
    """Move someone to another workshop in a round (the usual capacity rules apply)."""
    round_id, workshop_id = request.form.get("round", ""), request.form.get("workshop", "")
    if not (round_id.isdigit() and workshop_id.isdigit()):
        abort(400)
    try:
        with unit_of_work():
            moved = attendees.move(db.session, registration, int(round_id), int(workshop_id), actor())
    except RegistrationError as error:
        flash(_error_text(error), "error")
    else:
        flash(_("Verplaatst; de deelnemer krijgt een bijgewerkte uitnodiging.") if moved else _("Niets gewijzigd."),
              "ok" if moved else "info")
    return _back(registration)


@bp.route("/aanmeldingen/<int:registration_id>/annuleren", methods=["GET", "POST"])
def cancel_registration(registration: Registration):
    """Cancel on someone's behalf, after a confirmation step."""
    if request.method == "POST":
        with unit_of_work():
            cancelled = attendees.cancel(db.session, registration, actor())
        if cancelled:
            flash(_("De aanmelding is geannuleerd; de deelnemer krijgt bericht."), "ok")
        else:
            flash(_("Deze aanmelding was al geannuleerd."), "info")
        return redirect(url_for(".registration", registration_id=registration.id), code=303)
    return render_template("registrations/manage/registration_cancel.html", registration=registration)


@bp.post("/aanmeldingen/<int:registration_id>/toelaten")
def admit_registration(registration: Registration):
    """Let a wait-listed person in, adding a place if the meeting or workshop is full."""
    try:
        with unit_of_work():
            attendees.admit(db.session, registration, actor())
    except RegistrationError as error:
        flash(_error_text(error), "error")
    else:
        flash(_("Toegelaten; de deelnemer krijgt een bevestiging met agenda-uitnodiging."), "ok")
    return _back(registration)


@bp.post("/aanmeldingen/<int:registration_id>/inchecken")
def check_in(registration: Registration):
    """Mark present (or undo); with htmx only the person's row comes back."""
    present = request.form.get("aanwezig", "1") == "1"
    error = None
    confirm_other_day = False
    try:
        with unit_of_work():
            attendees.set_checked_in(db.session, registration, present, actor(),
                                     other_day_confirmed=request.form.get("andere_dag") == "1")
    except RegistrationError as exc:
        error = _error_text(exc)
        confirm_other_day = exc.code == "check_in_other_day"
    if htmx:
        return render_template("registrations/manage/_check_in_row.html", registration=registration, error=error,
                               confirm_other_day=confirm_other_day)
    if confirm_other_day:
        # Without JavaScript the question comes as a page of its own, with the button that confirms.
        return render_template("registrations/manage/check_in_scan.html", registration=registration, error=error,
                               confirm_other_day=True, meeting_day=False)
    if error:
        flash(error, "error")
    else:
        flash(_("%(name)s is ingecheckt.", name=registration.name) if present
              else _("Inchecken van %(name)s is ongedaan gemaakt.", name=registration.name), "ok")
    return _back(registration)


@bp.get("/bijeenkomsten/<int:meeting_id>/inchecken")
def check_in_desk(meeting: Meeting):
    """The check-in desk: search by name and check in with one click."""
    query = request.args.get("q", "").strip()[:200]
    found = attendees.search(db.session, meeting.id, query, "confirmed")
    context = {"meeting": meeting, "registrations": found, "query": query,
               "present": sum(1 for r in found if r.checked_in_at),
               "meeting_day": attendees.is_meeting_day(meeting)}
    if htmx and htmx.target == "check-in-list":
        return render_template("registrations/manage/_check_in_list.html", **context)
    return render_template("registrations/manage/check_in.html", **context)


@bp.get("/inchecken/<token:token>")
def check_in_scan(registration: Registration):
    """Where the QR code in a confirmation leads: the person, and one button to check them in."""
    return render_template("registrations/manage/check_in_scan.html", registration=registration,
                           meeting_day=attendees.is_meeting_day(registration.meeting))


def _audience_choices(meeting: Meeting) -> list[SelectChoice]:
    choices = [
        SelectChoice("all", _("Iedereen die is aangemeld of op de wachtlijst staat")),
        SelectChoice("confirmed", _("Alleen aangemelde deelnemers")),
        SelectChoice("waitlisted", _("Alleen de wachtlijst")),
    ]
    for workshop_round in meeting.rounds:
        for workshop in workshop_round.workshops:
            choices.append(SelectChoice(f"workshop:{workshop.id}",
                                        _("Deelnemers van %(workshop)s", workshop=workshop.title)))
    return choices


@bp.route("/bijeenkomsten/<int:meeting_id>/mail", methods=["GET", "POST"])
def mail_attendees(meeting: Meeting):
    """Write to attendees: preview first (what one recipient gets, and how many), then send via the outbox."""
    form = MailingForm()
    form.audience.choices = _audience_choices(meeting)
    preview = None
    status = 200
    if form.validate_on_submit():
        recipients = attendees.audience_registrations(db.session, meeting.id, form.audience.data)
        if request.form.get("action") == "send" and recipients:
            with unit_of_work():
                mailing = attendees.send_mailing(db.session, meeting, form.audience.data, form.subject.data,
                                                 form.body.data, actor())
            flash(ngettext("Het bericht staat klaar voor %(num)d ontvanger.",
                           "Het bericht staat klaar voor %(num)d ontvangers.", mailing.recipient_count), "ok")
            return redirect(url_for(".mailing", mailing_id=mailing.id), code=303)
        example = recipients[0] if recipients else None
        text = mails.render_attendee_mailing(example, form.subject.data, form.body.data)[0] if example else ""
        preview = {"count": len(recipients), "text": text, "example": example}
    elif request.method == "POST":
        status = 422
    return render_template("registrations/manage/mail.html", meeting=meeting, form=form, preview=preview,
                           mailings=attendees.mailings(db.session, meeting.id)), status


@bp.get("/berichten/<int:mailing_id>")
def mailing(mailing: Mailing):
    """The log of one message: who it went to and whether it was delivered."""
    context = {"mailing": mailing, "max_attempts": current_app.config["OUTBOX_MAX_ATTEMPTS"]}
    if htmx and htmx.target == "delivery-log":
        return render_template("registrations/manage/_delivery_log.html", **context)
    return render_template("registrations/manage/mailing.html", meeting=db.session.get(Meeting, mailing.meeting_id),
                           **context)


def _filter_message(error: exports.ExportError) -> str:
    if error.code == "status":
        return _("Onbekende status. Kies confirmed, waitlisted of cancelled.")
    return _("Onbekende workshop. Kies een workshop van deze bijeenkomst.")


def _download(data: bytes, mimetype: str, filename: str):
    # Personal data: no copy in a browser or proxy cache.
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename,
                         etag=False, last_modified=None, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def _export(meeting: Meeting, extension: str):
    """Parse the filters, build the rows, and send them in the asked format; a bad filter is a 400."""
    try:
        status, workshop_id = exports.parse_filters(request.args.get("status"), request.args.get("workshop"))
        rows = exports.attendee_rows(db.session, meeting.id, status=status, workshop_id=workshop_id)
    except exports.ExportError as error:
        return render_error(400, _filter_message(error))
    columns = exports.attendee_columns(meeting)
    filename = f"{meeting.slug}-deelnemers.{extension}"
    if extension == "csv":
        return _download(spreadsheets.to_csv(rows, columns).encode("utf-8"), "text/csv", filename)
    return _download(spreadsheets.to_xlsx(rows, columns, _("Deelnemers")), XLSX_TYPE, filename)


@bp.get("/bijeenkomsten/<int:meeting_id>/export.csv")
def export_csv(meeting: Meeting):
    """The meeting's registrations as CSV (semicolons, UTF-8 with BOM), optionally filtered."""
    return _export(meeting, "csv")


@bp.get("/bijeenkomsten/<int:meeting_id>/export.xlsx")
def export_xlsx(meeting: Meeting):
    """The meeting's registrations as an Excel workbook, optionally filtered."""
    return _export(meeting, "xlsx")


@bp.get("/bijeenkomsten/<int:meeting_id>/presentielijst")
def presence_list(meeting: Meeting):
    """A printable list of confirmed participants by name, with a column to sign."""
    rows = exports.presence_list(db.session, meeting.id)
    response = render_template("registrations/manage/presence_list.html", meeting=meeting, rows=rows)
    return response, 200, {"Cache-Control": "no-store"}
