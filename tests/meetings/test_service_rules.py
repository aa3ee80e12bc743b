"""Rules of meetings/services.py that mutation testing (`make mutate`) found unpinned."""

from datetime import timedelta

from sto_events.core.timeutil import utcnow
from sto_events.meetings import services


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
