"""The meetings' back office: creating and changing meetings, their rounds and workshops. Organisers only."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms.fields.choices import SelectChoice

from ..core.access import actor, organisers_only
from ..core.extensions import db, htmx
from ..core.loaders import by_id, load_args
from ..core.templating import forbid_caching
from ..core.timeutil import exists_locally, from_local, local
from . import planning, wording
from . import services as meeting_services
from .forms import MeetingCancelForm, MeetingForm, RoundForm, WorkshopForm
from .models import Meeting, MeetingStatus, Workshop, WorkshopRound

# The meetings are listed on the back office's start page (`backoffice.index`); these pages open from there.
bp = Blueprint("meetings_manage", __name__, url_prefix="/beheer")
bp.before_request(organisers_only)
load_args(bp, meeting_id=("meeting", by_id(Meeting)), round_id=("workshop_round", by_id(WorkshopRound)),
          workshop_id=("workshop", by_id(Workshop)))
bp.after_request(forbid_caching)


def planning_message(error: planning.PlanningError) -> str:
    return wording.text(error)


def _at(day, clock) -> datetime:
    naive = datetime.combine(day, clock)
    if not exists_locally(naive):
        raise planning.PlanningError("time_does_not_exist")
    return from_local(naive)


def _round_times(meeting: Meeting, form: RoundForm) -> tuple[datetime, datetime]:
    """A round's clock times, on the meeting's day."""
    day = local(meeting.starts_at).date()
    return _at(day, form.start_time.data), _at(day, form.end_time.data)


def _meeting_form(meeting: Meeting | None = None) -> MeetingForm:
    if meeting is not None and request.method == "GET":
        start, end = local(meeting.starts_at), local(meeting.ends_at)
        form = MeetingForm(data={
            "title": meeting.title, "city": meeting.city, "venue": meeting.venue, "address": meeting.address,
            "description": meeting.description, "capacity": meeting.capacity, "date": start.date(),
            "start_time": start.time(), "end_time": end.time(), "themes": [t.id for t in meeting.themes],
        })
    else:
        form = MeetingForm()
    form.themes.choices = [SelectChoice(t.id, t.name_nl) for t in meeting_services.themes(db.session)]
    return form


def _meeting_data(form: MeetingForm) -> planning.MeetingData:
    return planning.MeetingData(
        title=form.title.data, city=form.city.data, venue=form.venue.data, address=form.address.data or "",
        description=form.description.data or "", capacity=form.capacity.data, theme_ids=form.themes.data or [],
        starts_at=_at(form.date.data, form.start_time.data), ends_at=_at(form.date.data, form.end_time.data),
    )


@bp.route("/bijeenkomsten/nieuw", methods=["GET", "POST"])
def new_meeting():
    """Create a meeting as a draft; the programme is added on the next page."""
    form = _meeting_form()
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            meeting = planning.create_meeting(db.session, _meeting_data(form), actor())
        except planning.PlanningError as error:
            form.start_time.errors.append(planning_message(error))
        else:
            flash(_("De bijeenkomst is aangemaakt als concept. Voeg nu het programma toe en publiceer."), "ok")
            return redirect(url_for(".meeting", meeting_id=meeting.id), code=303)
    return render_template("meetings/manage/meeting_new.html", form=form), status


@bp.route("/bijeenkomsten/<int:meeting_id>", methods=["GET", "POST"])
def meeting(meeting: Meeting):
    """Edit a meeting and its programme; moving a published meeting mails every registrant."""
    form = _meeting_form(meeting)
    status = 200
    answer = request.form.get("bevestigd")
    if answer == "0":
        # "Back to the form" on the confirmation step: the typed values come back, nothing is saved.
        form.validate()
        return _render_meeting(meeting, form, RoundForm(prefix="round", formdata=None), 200)
    if form.validate_on_submit():
        try:
            told = planning.update_meeting(db.session, meeting, _meeting_data(form), actor(),
                                           confirmed=answer == "1")
        except planning.ConfirmationNeeded as needed:
            db.session.rollback()
            return render_template("meetings/manage/meeting_confirm.html", meeting=meeting, change=needed.change,
                                   fields=[(k, v) for k, v in request.form.items(multi=True)
                                           if k not in ("csrf_token", "bevestigd")]), 200
        except planning.PlanningError as error:
            (form.capacity.errors if "capacity" in error.code else form.form_errors).append(planning_message(error))
            status = 409
        else:
            flash(_("Opgeslagen. Alle aangemelde deelnemers krijgen een bijgewerkte uitnodiging.") if told
                  else _("Opgeslagen."), "ok")
            return redirect(url_for(".meeting", meeting_id=meeting.id), code=303)
    elif request.method == "POST":
        status = 422
    return _render_meeting(meeting, form, RoundForm(prefix="round", formdata=None), status)


def _render_meeting(meeting: Meeting, form: MeetingForm, round_form: RoundForm, status: int = 200):
    """The meeting page: details form, programme with an add-workshop form per round, add-round form."""
    new_workshop_forms = {r.id: WorkshopForm(prefix=f"new-{r.id}", formdata=None) for r in meeting.rounds}
    return render_template("meetings/manage/meeting.html", meeting=meeting, form=form, round_form=round_form,
                           new_workshop_forms=new_workshop_forms), status


@bp.post("/bijeenkomsten/<int:meeting_id>/publiceren")
def publish_meeting(meeting: Meeting):
    """Publish a draft: participants can see it and sign up."""
    try:
        planning.publish(db.session, meeting, actor())
    except planning.PlanningError as error:
        flash(planning_message(error), "error")
    else:
        flash(_("De bijeenkomst is gepubliceerd."), "ok")
    return redirect(url_for(".meeting", meeting_id=meeting.id), code=303)


@bp.route("/bijeenkomsten/<int:meeting_id>/annuleren", methods=["GET", "POST"])
def cancel_meeting(meeting: Meeting):
    """Ask for confirmation, then call the meeting off and mail everyone who signed up."""
    form = MeetingCancelForm()
    status = 200
    if request.method == "POST" and meeting.status != MeetingStatus.CANCELLED:
        if form.validate_on_submit():
            count = planning.cancel_meeting(db.session, meeting, actor(), form.reason.data)
            flash(ngettext("De bijeenkomst is geannuleerd; %(num)d deelnemer krijgt bericht.",
                           "De bijeenkomst is geannuleerd; %(num)d deelnemers krijgen bericht.", count), "ok")
            return redirect(url_for(".meeting", meeting_id=meeting.id), code=303)
        status = 422
    return render_template("meetings/manage/meeting_cancel.html", meeting=meeting, form=form), status


@bp.post("/bijeenkomsten/<int:meeting_id>/rondes")
def add_round(meeting: Meeting):
    """Add a workshop round to the programme."""
    form = RoundForm(prefix="round")
    if form.validate_on_submit():
        try:
            planning.add_round(db.session, meeting, form.title.data, *_round_times(meeting, form), actor())
        except planning.PlanningError as error:
            form.start_time.errors.append(planning_message(error))
        else:
            flash(_("De ronde is toegevoegd."), "ok")
            return redirect(url_for(".meeting", meeting_id=meeting.id, _anchor="programme"), code=303)
    return _render_meeting(meeting, _meeting_form(meeting), form, 422)


@bp.route("/rondes/<int:round_id>", methods=["GET", "POST"])
def workshop_round(workshop_round: WorkshopRound):
    """Rename a round or change its times (on the meeting's day)."""
    meeting = workshop_round.meeting
    if request.method == "GET":
        form = RoundForm(data={"title": workshop_round.title, "start_time": local(workshop_round.starts_at).time(),
                               "end_time": local(workshop_round.ends_at).time()})
    else:
        form = RoundForm()
    status = 200
    if form.validate_on_submit():
        try:
            planning.update_round(db.session, workshop_round, form.title.data, *_round_times(meeting, form),
                                  actor())
        except planning.PlanningError as error:
            form.start_time.errors.append(planning_message(error))
            status = 422
        else:
            flash(_("De ronde is opgeslagen."), "ok")
            return redirect(url_for(".meeting", meeting_id=meeting.id, _anchor=f"round-{workshop_round.id}"), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("meetings/manage/round.html", workshop_round=workshop_round, meeting=meeting,
                           form=form), status


@bp.post("/rondes/<int:round_id>/verwijderen")
def delete_round(workshop_round: WorkshopRound):
    """Remove a round nobody has chosen in."""
    meeting_id = workshop_round.meeting_id
    try:
        planning.delete_round(db.session, workshop_round, actor())
    except planning.PlanningError as error:
        flash(planning_message(error), "error")
    else:
        flash(_("De ronde is verwijderd."), "ok")
    return redirect(url_for(".meeting", meeting_id=meeting_id, _anchor="programme"), code=303)


def _workshop_data(form: WorkshopForm) -> planning.WorkshopData:
    return planning.WorkshopData(title=form.title.data, hosts=form.hosts.data or "",
                                 description=form.description.data or "", capacity=form.capacity.data)


@bp.post("/rondes/<int:round_id>/workshops")
def add_workshop(workshop_round: WorkshopRound):
    """Add a workshop to a round."""
    form = WorkshopForm(prefix=f"new-{workshop_round.id}")
    if form.validate_on_submit():
        planning.add_workshop(db.session, workshop_round, _workshop_data(form), actor())
        flash(_("De workshop is toegevoegd."), "ok")
    else:
        flash(_("De workshop is niet toegevoegd: vul een titel en een aantal plaatsen (minstens 1) in."), "error")
    return redirect(url_for(".meeting", meeting_id=workshop_round.meeting_id, _anchor=f"round-{workshop_round.id}"),
                    code=303)


@bp.route("/workshops/<int:workshop_id>", methods=["GET", "POST"])
def workshop(workshop: Workshop):
    """Edit one workshop: inline in its table row with htmx, or as its own page without JavaScript."""
    inline = bool(htmx) and htmx.target == f"workshop-{workshop.id}"
    # The prefix keeps the row form's ids apart from the meeting form's on the same page.
    prefix = f"workshop-{workshop.id}"
    form = WorkshopForm(obj=workshop, prefix=prefix) if request.method == "GET" else WorkshopForm(prefix=prefix)
    status = 200
    if request.method == "GET" and inline and request.args.get("weergave") == "rij":
        return render_template("meetings/manage/_workshop_row.html", workshop=workshop)
    if form.validate_on_submit():
        try:
            planning.update_workshop(db.session, workshop, _workshop_data(form), actor())
        except planning.PlanningError as error:
            form.capacity.errors.append(planning_message(error))
            status = 409
        else:
            if inline:
                return render_template("meetings/manage/_workshop_row.html", workshop=workshop, saved=True)
            flash(_("De workshop is opgeslagen."), "ok")
            return redirect(url_for(".meeting", meeting_id=workshop.round.meeting_id,
                                    _anchor=f"round-{workshop.round_id}"), code=303)
    elif request.method == "POST":
        status = 422
    if inline:
        # htmx swaps only 2xx answers by default; the row with its errors is the answer either way.
        return render_template("meetings/manage/_workshop_row_form.html", workshop=workshop, form=form)
    return render_template("meetings/manage/workshop.html", workshop=workshop, form=form), status


@bp.post("/workshops/<int:workshop_id>/verwijderen")
def delete_workshop(workshop: Workshop):
    """Remove a workshop nobody has chosen."""
    meeting_id = workshop.round.meeting_id
    try:
        planning.delete_workshop(db.session, workshop, actor())
    except planning.PlanningError as error:
        flash(planning_message(error), "error")
    else:
        flash(_("De workshop is verwijderd."), "ok")
    return redirect(url_for(".meeting", meeting_id=meeting_id, _anchor="programme"), code=303)
