"""Rules of meetings/services.py that mutation testing (`make mutate`) found unpinned."""

from sto_events.meetings import services


def test_an_unknown_address_finds_no_meeting_even_beside_published_ones(session, make_meeting):
    published = make_meeting(session, slug="zwolle-voorjaar")
    assert services.published(session, "zwolle-voorjaar").id == published.id
    assert services.published(session, "capelle-najaar") is None  # sorts before the published one
    assert services.published(session, "zwolle") is None
