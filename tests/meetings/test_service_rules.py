"""Rules of meetings/services.py that mutation testing (`make mutate`) found unpinned."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from sto_events.core.timeutil import utcnow
from sto_events.meetings import services
from sto_events.meetings.models import Meeting


def test_an_unknown_address_finds_no_meeting_even_beside_published_ones(session, make_meeting):
    published = make_meeting(session, slug="zwolle-voorjaar")
    assert services.published(session, "zwolle-voorjaar").id == published.id
    assert services.published(session, "capelle-najaar") is None  # sorts before the published one
    assert services.published(session, "zwolle") is None


def test_the_feed_keeps_a_meeting_for_a_year_after_it_ended(session, make_meeting):
    """Subscribed calendars keep last year's meetings; a meeting that ended more than a year ago leaves the feed."""
    year_ago = utcnow() - timedelta(days=365)
    for slug, ended in (("binnen-het-jaar", year_ago + timedelta(hours=1)),
                        ("langer-geleden", year_ago - timedelta(hours=1))):
        meeting = make_meeting(session, slug=slug, rounds=())
        meeting.starts_at, meeting.ends_at = ended - timedelta(hours=4), ended
    session.commit()
    slugs = [meeting.slug for meeting in services.feed(session)]
    assert "binnen-het-jaar" in slugs and "langer-geleden" not in slugs


def test_a_meeting_that_ends_this_very_moment_is_no_longer_upcoming(session, make_meeting):
    ending = make_meeting(session, slug="eindigt-nu", rounds=())
    now = utcnow()
    ending.starts_at, ending.ends_at = now - timedelta(hours=4), now
    session.commit()
    with time_machine.travel(now, tick=False):
        assert "eindigt-nu" not in [meeting.slug for meeting in services.upcoming(session)]
    with time_machine.travel(now - timedelta(microseconds=1), tick=False):
        assert "eindigt-nu" in [meeting.slug for meeting in services.upcoming(session)]


@pytest.mark.postgres
def test_on_postgresql_locking_a_meeting_holds_that_meeting_and_no_other(pg_app_factory, make_meeting):
    """An organiser's change to one meeting waits for that meeting's sign-ups, not for any other meeting's."""
    from sto_events.core.extensions import db

    app = pg_app_factory(DB_LOCK_TIMEOUT_SECONDS=2)
    with app.app_context():
        lower, meeting, higher = (make_meeting(db.session, rounds=()) for _ in range(3))
        ids = lower.id, meeting.id, higher.id
        db.session.commit()
        services.lock_meeting(db.session, meeting.id)
        with db.engine.connect() as elsewhere:
            with pytest.raises(sa.exc.OperationalError, match="(?i)lock"):
                elsewhere.execute(sa.select(Meeting.id).where(Meeting.id == ids[1]).with_for_update(nowait=True))
            elsewhere.rollback()
            for other in (ids[0], ids[2]):
                assert elsewhere.scalar(
                    sa.select(Meeting.id).where(Meeting.id == other).with_for_update(nowait=True)) == other
            elsewhere.rollback()
        db.session.rollback()


def test_the_feed_lets_go_of_a_meeting_the_moment_its_year_is_over(session, make_meeting):
    meeting = make_meeting(session, slug="precies-een-jaar", rounds=())
    now = utcnow()
    meeting.ends_at = now - services.FEED_KEEPS_PAST
    meeting.starts_at = meeting.ends_at - timedelta(hours=4)
    session.commit()
    with time_machine.travel(now, tick=False):
        assert "precies-een-jaar" not in [m.slug for m in services.feed(session)]
    with time_machine.travel(now - timedelta(microseconds=1), tick=False):
        assert "precies-een-jaar" in [m.slug for m in services.feed(session)]
