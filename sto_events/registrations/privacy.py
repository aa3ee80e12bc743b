"""The person's rights over their data (AVG/GDPR): see it all, take it along, erase it; and the retention job."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.timeutil import utcnow
from ..core.transaction import commit_point
from ..meetings.models import Meeting
from ..notifications.models import OutboxMessage
from ..notifications.outbox import concerning
from . import services
from .models import Registration, RegistrationStatus


def _strip(registration: Registration) -> None:
    registration.name = ""
    registration.email = ""
    registration.email_normalized = f"anonymised-{registration.public_id}"
    registration.organisation = ""
    registration.region = ""
    registration.region_id = None
    registration.questions = ""
    registration.share_with_participants = False
    registration.browser_hash = None
    registration.anonymised_at = utcnow()


def _drop_mails(session: Session, registrations: list[Registration]) -> None:
    """Mails hold names and addresses too: sent, waiting, failed, and the one a sender may be busy with (it will
    find its message gone and record nothing). Found by their subject, and by the person's key for mails about
    this person that belong to no subject."""
    where = concerning(about_ids=("registration", [r.id for r in registrations]),
                       people=[r.email for r in registrations if r.email])
    session.execute(sa.delete(OutboxMessage).where(where))


def export(session: Session, registration: Registration) -> dict:
    """Everything stored about this registration, as plain data (the 'download my data' file)."""
    mails = session.execute(
        sa.select(OutboxMessage.subject, OutboxMessage.created_at, OutboxMessage.status)
        .where(concerning(about=("registration", registration.id), person=registration.email or None))
        .order_by(OutboxMessage.id)
    ).all()
    meeting = registration.meeting
    return {
        "meeting": {"title": meeting.title, "starts_at": meeting.starts_at.isoformat(), "city": meeting.city},
        "name": registration.name,
        "email": registration.email,
        "organisation": registration.organisation,
        "role": registration.role.value,
        "region": registration.region_name,
        "region_as_typed": registration.region,
        "questions": registration.questions,
        "language": registration.locale,
        "status": registration.status.value,
        "waiting_list_position": services.waitlist_position(session, registration),
        "consents": {"share_name_and_organisation_with_participants": registration.share_with_participants},
        "workshops": [{"round": c.round.title, "workshop": c.workshop.title} for c in registration.choices],
        "registered_at": registration.created_at.isoformat(),
        "changed_at": registration.updated_at.isoformat(),
        "cancelled_at": registration.cancelled_at.isoformat() if registration.cancelled_at else None,
        "checked_in_at": registration.checked_in_at.isoformat() if registration.checked_in_at else None,
        "mails": [{"subject": s, "queued_at": at.isoformat(), "status": st.value} for s, at, st in mails],
    }


def fellow_participants(session: Session, registration: Registration, address_proven: bool) -> list[tuple[str, str]]:
    """Name and organisation of the other confirmed participants of the same meeting who agreed to show them.

    Only a confirmed participant who proved their address (by opening a link we mailed) sees the list: anyone can
    sign up with a made-up address, and that must not be enough. Consent is read at every call, so a withdrawal
    hides the person at once."""
    if not address_proven or registration.status != RegistrationStatus.CONFIRMED or registration.anonymised_at:
        return []
    rows = session.execute(
        sa.select(Registration.name, Registration.organisation)
        .where(
            Registration.meeting_id == registration.meeting_id,
            Registration.id != registration.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.share_with_participants.is_(True),
            Registration.anonymised_at.is_(None),
        )
        .order_by(Registration.name, Registration.id)
    )
    return [(name, organisation) for name, organisation in rows]


def set_sharing(session: Session, registration: Registration, share: bool) -> None:
    """Give or withdraw consent to show name and organisation to other participants; takes effect at once."""
    if registration.anonymised_at is None:
        registration.share_with_participants = share
    commit_point(session)


def erase(session: Session, registration: Registration) -> None:
    """Cancel (freeing the seat for the next person) and remove the personal data and every mail about it."""
    services.lock_meeting(session, registration.meeting_id)
    session.refresh(registration)
    if registration.status == RegistrationStatus.CONFIRMED:
        services.release_places(session, registration)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = registration.cancelled_at or utcnow()
    registration.waitlisted_at = None
    _drop_mails(session, [registration])
    _strip(registration)
    session.flush()
    services.promote_waitlist(session, registration.meeting_id)
    commit_point(session)


def anonymise_past(session: Session, months: int) -> int:
    """Strip personal data from registrations whose meeting ended more than `months` months ago.

    Counts, statuses, roles and workshop choices stay for statistics; running it again changes nothing.
    """
    cutoff = utcnow() - timedelta(days=round(months * 30.44))
    ended = sa.select(Meeting.id).where(Meeting.ends_at < cutoff)
    registrations = session.scalars(
        sa.select(Registration).where(Registration.meeting_id.in_(ended), Registration.anonymised_at.is_(None))
    ).all()
    if registrations:
        _drop_mails(session, list(registrations))
    for registration in registrations:
        _strip(registration)
    ids = [r.id for r in registrations]
    commit_point(session)
    return len(ids)
