"""Attendee lists for organisers: one row per registration, as CSV or XLSX, safe to open in a spreadsheet."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session, selectinload

from ..core.timeutil import local
from ..meetings.models import Meeting, Workshop, WorkshopRound
from .forms import role_labels
from .models import Registration, RegistrationStatus, WorkshopChoice


class ExportError(ValueError):
    """A filter that does not fit the meeting: an unknown status or a workshop of another meeting."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class PresenceRow:
    name: str
    organisation: str
    workshops: list[str]


def parse_filters(status: str | None, workshop: str | None) -> tuple[RegistrationStatus | None, int | None]:
    """Read the `status` and `workshop` query values; empty means no filter, anything unknown is an ExportError."""
    try:
        chosen_status = RegistrationStatus(status) if status else None
    except ValueError:
        raise ExportError("status") from None
    if not workshop:
        return chosen_status, None
    if not (workshop.isascii() and workshop.isdigit()) or len(workshop) > 18:
        raise ExportError("workshop")
    return chosen_status, int(workshop)


def _status_labels() -> dict[RegistrationStatus, str]:
    return {
        RegistrationStatus.CONFIRMED: _("Aangemeld"),
        RegistrationStatus.WAITLISTED: _("Wachtlijst"),
        RegistrationStatus.CANCELLED: _("Geannuleerd"),
    }


def _round_columns(meeting: Meeting, taken: set[str]) -> dict[int, str]:
    """A column name per round: its title, numbered when two rounds (or a fixed column) share it."""
    columns: dict[int, str] = {}
    for workshop_round in meeting.rounds:
        name, n = workshop_round.title, 1
        while name in taken:
            n += 1
            name = f"{workshop_round.title} ({n})"
        taken.add(name)
        columns[workshop_round.id] = name
    return columns


def _columns(meeting: Meeting) -> tuple[list[str], list[str], dict[int, str]]:
    head = [_("Naam"), _("E-mailadres"), _("Organisatie"), _("Rol"), _("Regio"), _("Status")]
    tail = [_("Vragen"), _("Aangemeld op")]
    return head, tail, _round_columns(meeting, set(head) | set(tail))


def attendee_columns(meeting: Meeting) -> list[str]:
    """The column names of `attendee_rows`, in order, so an empty export still has its header."""
    head, tail, rounds = _columns(meeting)
    return [*head, *rounds.values(), *tail]


def _meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise ExportError("meeting")
    return meeting


def attendee_rows(
    session: Session,
    meeting_id: int,
    status: RegistrationStatus | str | None = None,
    workshop_id: int | None = None,
) -> list[dict]:
    """One dict per registration of the meeting, in sign-up order, optionally only one status or one workshop."""
    meeting = _meeting(session, meeting_id)
    query = (
        sa.select(Registration)
        .where(Registration.meeting_id == meeting.id)
        .options(selectinload(Registration.choices).selectinload(WorkshopChoice.workshop),
                 selectinload(Registration.directory_region))
        .order_by(Registration.created_at, Registration.id)
    )
    if status:
        try:
            query = query.where(Registration.status == RegistrationStatus(status))
        except ValueError:
            raise ExportError("status") from None
    if workshop_id is not None:
        in_meeting = session.scalar(
            sa.select(Workshop.id)
            .join(WorkshopRound)
            .where(Workshop.id == workshop_id, WorkshopRound.meeting_id == meeting.id)
        )
        if in_meeting is None:
            raise ExportError("workshop")
        query = query.where(Registration.choices.any(WorkshopChoice.workshop_id == workshop_id))

    head, tail, round_columns = _columns(meeting)
    roles = role_labels()
    statuses = _status_labels()
    rows = []
    for registration in session.scalars(query):
        chosen = {choice.round_id: choice.workshop.title for choice in registration.choices}
        values = [
            registration.name,
            registration.email,
            registration.organisation,
            roles.get(registration.role.value, registration.role.value),
            registration.region_name,
            statuses[registration.status],
        ]
        row = dict(zip(head, values, strict=True))
        row.update({column: chosen.get(round_id, "") for round_id, column in round_columns.items()})
        row.update(zip(tail, [registration.questions, local(registration.created_at)], strict=True))
        rows.append(row)
    return rows


def _sort_key(name: str) -> str:
    """Alphabetical the way people expect: accents do not push Zoë or Élise to the end."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return bare.casefold()


def presence_list(session: Session, meeting_id: int) -> list[PresenceRow]:
    """Confirmed registrations by name, with their workshops in programme order, for the list at the door."""
    meeting = _meeting(session, meeting_id)
    registrations = session.scalars(
        sa.select(Registration)
        .where(Registration.meeting_id == meeting.id, Registration.status == RegistrationStatus.CONFIRMED)
        .options(selectinload(Registration.choices).selectinload(WorkshopChoice.workshop))
    ).all()
    order = [workshop_round.id for workshop_round in meeting.rounds]
    rows = []
    for registration in registrations:
        chosen = {choice.round_id: choice.workshop.title for choice in registration.choices}
        rows.append(PresenceRow(registration.name, registration.organisation,
                                [chosen[round_id] for round_id in order if round_id in chosen]))
    return sorted(rows, key=lambda row: (_sort_key(row.name), row.name))
