"""The workshop picker refreshes its places-left texts while the person ticks: a slow refresh must never untick
anything (issue 9: round 2 was silently unticked when round 1's refresh came back late)."""

import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError

from sto_events.core.extensions import db
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus
from tests.registrations.helpers import signup_data

LATENCY = 0.6


@pytest.fixture
def meeting(live_app, make_meeting):
    with live_app.app_context():
        meeting = make_meeting(db.session, title="Themabijeenkomst Zwolle", capacity=30, rounds=((10, 10), (10, 1)))
        return {"id": meeting.id, "slug": meeting.slug,
                "workshops": [[w.title for w in r.workshops] for r in meeting.rounds],
                "last_place": meeting.rounds[1].workshops[1].id}


class SlowPicker:
    """Holds every places refresh back for LATENCY seconds, as a slow connection would, without blocking the
    page: the test releases each request when its time has come."""

    def __init__(self, page):
        self.page = page
        self.pending = []
        self.seen = 0
        page.route("**/workshops*", self._hold)

    def _hold(self, route):
        self.seen += 1
        self.pending.append((time.monotonic() + LATENCY, route))

    def wait(self, seconds: float, drain: bool = False):
        """Let the page run for `seconds`, releasing held requests when they are due. With `drain`, go on until
        every request came back, long enough for its answer to be swapped in and for one htmx queued behind it."""
        end = time.monotonic() + seconds
        while time.monotonic() < end or (drain and self.pending):
            self.page.wait_for_timeout(20)
            now = time.monotonic()
            for due, route in [p for p in self.pending if p[0] <= now]:
                self.pending.remove((due, route))
                end = max(end, now + 0.5) if drain else end
                try:
                    route.continue_()
                except PlaywrightError:
                    pass  # the page went away meanwhile; nothing to deliver


@pytest.mark.parametrize("attempt", [1, 2, 3])
def test_a_slow_refresh_never_unticks_a_choice(browser, live_server, live_app, meeting, screenshot, attempt):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    slow = SlowPicker(page)
    page.goto(f"{live_server.url}/bijeenkomsten/{meeting['slug']}/aanmelden")
    page.get_by_label("Naam", exact=True).fill("Zoë Łukasz-Öztürk")
    page.get_by_label("E-mailadres", exact=True).fill(f"zoe{attempt}@school.nl")
    page.get_by_label("Organisatie", exact=True).fill("Vmbo De Brug")
    page.get_by_label("vmbo", exact=True).check()
    with live_app.app_context():  # meanwhile someone else takes the last place of workshop 2B
        current = _meeting(meeting["id"])
        other, _ = services.sign_up(db.session, current, signup_data(current, "other@school.nl", [0, 1]))
        assert other.status == RegistrationStatus.CONFIRMED

    round_1 = page.get_by_label(meeting["workshops"][0][1])
    round_2 = page.get_by_label(meeting["workshops"][1][0])
    round_1.check()
    slow.wait(0.3)  # round 1's refresh is still under way ...
    round_2.check()  # ... when round 2 is ticked
    slow.wait(LATENCY, drain=True)  # every refresh has come back and been swapped in
    assert slow.seen >= 1
    assert round_1.is_checked() and round_2.is_checked()
    # The refresh did its work: the place someone else took meanwhile shows as gone.
    assert page.locator(f"#workshop-{meeting['last_place']}-places").inner_text() == "vol: wachtlijst"
    screenshot(page, f"picker-after-slow-refresh-{attempt}")

    page.get_by_role("button", name="Aanmelden").click()
    assert "U bent aangemeld" in page.locator("#messages").inner_text()
    with live_app.app_context():
        mine = db.session.scalar(sa.select(Registration).where(Registration.email == f"zoe{attempt}@school.nl"))
        assert [c.workshop.title for c in mine.choices] == [meeting["workshops"][0][1], meeting["workshops"][1][0]]
    assert problems == [], problems
    context.close()


def _meeting(meeting_id):
    from sto_events.meetings.models import Meeting

    return db.session.get(Meeting, meeting_id)
