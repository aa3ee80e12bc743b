"""200 people sign up at the same moment for 50 seats: never overbooked, on SQLite and on PostgreSQL."""

import re
import threading
from collections import Counter
from types import SimpleNamespace

import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.meetings.models import Meeting, Workshop
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus, WorkshopChoice
from sto_events.registrations.tokens import read_manage_token

from .helpers import signup_data
from .test_routes import form_data

THREADS = 200


def run_at_once(app, count, work):
    """Run work(i) in `count` threads released together; return the exceptions raised."""
    barrier = threading.Barrier(count)
    errors = []

    def worker(i):
        with app.app_context():
            try:
                barrier.wait()
                work(i)
            except Exception as exc:  # noqa: BLE001 - every error is a test failure, reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


def test_two_hundred_simultaneous_sign_ups_for_fifty_seats(race_app, make_meeting):
    with race_app.app_context():
        # Workshop A has 20 places, B 40: half of the people want A, so A fills and the rest wait.
        meeting = make_meeting(db.session, capacity=50, rounds=((20, 40),))
        meeting_id = meeting.id
        workshop_a, workshop_b = (w.id for w in meeting.rounds[0].workshops)
        round_id = meeting.rounds[0].id

    def sign_up(i):
        meeting = db.session.get(Meeting, meeting_id)
        data = signup_data(meeting, f"person{i}@school.nl", [i % 2])
        services.sign_up(db.session, meeting, data)

    errors = run_at_once(race_app, THREADS, sign_up)
    assert errors == []

    with race_app.app_context():
        session = db.session
        statuses = Counter(session.scalars(sa.select(Registration.status)))
        assert statuses == {RegistrationStatus.CONFIRMED: 50, RegistrationStatus.WAITLISTED: 150}
        meeting = session.get(Meeting, meeting_id)
        assert meeting.taken == 50
        per_workshop = Counter(
            session.scalars(
                sa.select(WorkshopChoice.workshop_id)
                .join(Registration)
                .where(Registration.status == RegistrationStatus.CONFIRMED, WorkshopChoice.round_id == round_id)
            )
        )
        assert per_workshop[workshop_a] <= 20
        assert per_workshop[workshop_a] + per_workshop[workshop_b] == 50
        for workshop_id in (workshop_a, workshop_b):
            assert session.get(Workshop, workshop_id).taken == per_workshop[workshop_id]


def test_same_person_submitting_ten_times_at_once_gets_one_registration(race_app, make_meeting):
    with race_app.app_context():
        meeting_id = make_meeting(db.session, capacity=5).id

    def sign_up(i):
        meeting = db.session.get(Meeting, meeting_id)
        email = ["Same@School.nl ", "same@school.nl", "SAME@school.NL"][i % 3]
        services.sign_up(db.session, meeting, signup_data(meeting, email))

    assert run_at_once(race_app, 10, sign_up) == []
    with race_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
        assert db.session.get(Meeting, meeting_id).taken == 1


def test_the_same_form_sent_ten_times_at_once_gives_ten_identical_answers(race_app, make_meeting):
    """A browser that sends the form ten times (clicks, retries) before any answer arrives: every request carries the
    same cookie and token. Another browser that knows the address only gets the neutral page."""
    with race_app.app_context():
        meeting = make_meeting(db.session, capacity=5)
        ref = SimpleNamespace(rounds=[SimpleNamespace(field=f"round_{r.id}", workshops=[w.id for w in r.workshops])
                                      for r in meeting.rounds])
        url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    browser = race_app.test_client()
    page = browser.get(url).get_data(as_text=True)
    data = {**form_data(ref, email="Dubbel@School.nl "),
            "csrf_token": re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}
    cookie = browser.get_cookie("session").value
    answers = [None] * 10

    def send(i):
        client = race_app.test_client()
        client.set_cookie("session", cookie)
        answers[i] = client.post(url, data=data)

    assert run_at_once(race_app, 10, send) == []
    assert [a.status_code for a in answers] == [303] * 10
    with race_app.test_request_context():
        registrations = db.session.scalars(sa.select(Registration)).all()
        assert len(registrations) == 1
        # Every answer leads to that one registration's own page (the links differ only in their time stamp).
        assert {read_manage_token(a.headers["Location"].rsplit("/", 1)[1]) for a in answers} == {
            registrations[0].public_id
        }
        mails = db.session.scalars(sa.select(OutboxMessage.kind)).all()
        assert mails == ["registration_confirmed"]
    stranger = race_app.test_client()
    page = stranger.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    answer = stranger.post(url, data={**data, "csrf_token": token})
    assert answer.headers["Location"].endswith("/aanmelden/al-aangemeld")
