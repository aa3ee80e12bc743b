"""Personal data is anonymised after the retention period; statistics survive."""

from datetime import timedelta

import sqlalchemy as sa

from sto_events.extensions import db
from sto_events.meetings.models import Meeting
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus
from sto_events.timeutil import utcnow

from .helpers import signup_data


def test_purge_anonymises_only_old_meetings_and_is_idempotent(app, runner, make_meeting):
    with app.app_context():
        session = db.session
        old = make_meeting(session, capacity=1)
        recent = make_meeting(session)
        services.sign_up(session, old, signup_data(old, "old@school.nl", name="Oud Persoon"))
        services.sign_up(session, old, signup_data(old, "waiting@school.nl"))
        services.sign_up(session, recent, signup_data(recent, "new@school.nl", name="Nieuw Persoon"))
        # Move the first meeting 13 months into the past.
        session.execute(
            sa.update(Meeting)
            .where(Meeting.id == old.id)
            .values(starts_at=utcnow() - timedelta(days=400), ends_at=utcnow() - timedelta(days=399, hours=20))
        )
        session.commit()

    result = runner.invoke(args=["purge-personal-data"])
    assert "2 registration(s) anonymised" in result.output
    assert "0 registration(s) anonymised" in runner.invoke(args=["purge-personal-data"]).output

    with app.app_context():
        rows = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
        old_rows, recent_row = rows[:2], rows[2]
        for row in old_rows:
            assert (row.name, row.email, row.organisation, row.questions) == ("", "", "", "")
            assert row.anonymised_at is not None
        assert [r.status for r in old_rows] == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
        assert old_rows[0].role == "vmbo" and old_rows[0].choices  # statistics survive
        assert recent_row.name == "Nieuw Persoon"
        remaining = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
        assert remaining == ["new@school.nl"]
