"""The attendee list in a useful order with pages, check-in on the right day, and a delivery log that tells."""

import re
from datetime import timedelta

import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.meetings.models import Meeting
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import attendees, services
from sto_events.registrations.models import Registration
from sto_events.registrations.tokens import check_in_token
from tests.conftest import deliver_outbox, free_port, page_csrf
from tests.registrations.helpers import signup_data
from tests.test_query_budget import count_statements


def post(client, url, data=None, headers=None):
    return client.post(url, data={**(data or {}), "csrf_token": page_csrf(client, "/beheer/")}, headers=headers)


def names_in(page: str) -> list[str]:
    return re.findall(r'/beheer/aanmeldingen/\d+">([^<]+)</a>', page)


def test_name_key_reads_numbers_by_value_and_ignores_accents_and_case():
    names = ["Rush 13", "rush 2", "Rush 1", "Émile", "Bram", "eva"]
    assert sorted(names, key=attendees.name_key) == ["Bram", "Émile", "eva", "Rush 1", "rush 2", "Rush 13"]


def test_confirmed_by_name_then_the_waiting_list_by_position_then_cancelled(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, capacity=3, rounds=())
        ids = {}
        # Confirmed: the first three; then the waiting list in the order they came (not by name).
        for name in ["Rush 13", "Rush 2", "Rush 1", "Zeno Wachter", "Anna Wachter", "Mo Wachter", "Afgezegd"]:
            registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, f"{len(ids)}@x.nl",
                                                                                 name=name))
            ids[name] = registration.id
        services.cancel(db.session, db.session.get(Registration, ids["Afgezegd"]))
        db.session.commit()
        meeting_id = meeting.id
    login_as(Role.ORGANISER)
    page = client.get(f"/beheer/bijeenkomsten/{meeting_id}/deelnemers").get_data(as_text=True)
    assert names_in(page) == ["Rush 1", "Rush 2", "Rush 13", "Zeno Wachter", "Anna Wachter", "Mo Wachter",
                              "Afgezegd"]
    positions = re.findall(r"plaats (\d+)", page)
    assert positions == ["1", "2", "3"]
    # The position is the place on the whole waiting list, also when the list is filtered.
    only_mo = client.get(f"/beheer/bijeenkomsten/{meeting_id}/deelnemers?q=mo").get_data(as_text=True)
    assert names_in(only_mo) == ["Mo Wachter"] and "plaats 3" in only_mo


def test_long_lists_come_in_pages_with_and_without_htmx(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, capacity=500, rounds=())
        rows = [{"public_id": f"00000000-0000-0000-0000-{i:012d}", "meeting_id": meeting.id, "name": f"Rush {i}",
                 "email": f"r{i}@x.nl", "email_normalized": f"r{i}@x.nl", "organisation": "School", "role": "vmbo",
                 "region": "", "questions": "", "locale": "nl", "status": "confirmed"} for i in range(1, 121)]
        db.session.execute(sa.insert(Registration), rows)
        db.session.commit()
        meeting_id = meeting.id
    login_as(Role.ORGANISER)
    url = f"/beheer/bijeenkomsten/{meeting_id}/deelnemers"
    first = client.get(url).get_data(as_text=True)
    assert "120 aanmeldingen gevonden" in first and "pagina 1 van 3" in first
    assert names_in(first)[:3] == ["Rush 1", "Rush 2", "Rush 3"] and len(names_in(first)) == 50
    assert f'href="{url}?pagina=2"' in first and 'data-hx-get="' in first
    second = client.get(f"{url}?pagina=2").get_data(as_text=True)
    assert names_in(second)[0] == "Rush 51"
    fragment = client.get(f"{url}?pagina=3&q=rush", headers={"HX-Request": "true", "HX-Target": "attendees"})
    text = fragment.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="attendees"') and names_in(text)[-1] == "Rush 120"
    assert f"{url}?pagina=2&amp;q=rush" in text  # the filter stays in the page links
    unused = client.get(f"{url}?q=rush&status=&workshop=&pagina=3",
                        headers={"HX-Request": "true", "HX-Target": "attendees"})
    assert unused.headers["HX-Push-Url"] == f"{url}?q=rush&pagina=3"  # the address leaves unused filters out
    assert client.get(f"{url}?pagina=99").status_code == 200  # past the end: the last page
    assert client.get(f"{url}?pagina=abc").status_code == 200

    # The page reads the same number of statements for 120 people as for 1 000.
    with count_statements(app) as small:
        client.get(f"{url}?pagina=2")
    with app.app_context():
        more = [{"public_id": f"10000000-0000-0000-0000-{i:012d}", "meeting_id": meeting_id, "name": f"Extra {i}",
                 "email": f"e{i}@x.nl", "email_normalized": f"e{i}@x.nl", "organisation": "School", "role": "vmbo",
                 "region": "", "questions": "", "locale": "nl", "status": "confirmed"} for i in range(880)]
        db.session.execute(sa.insert(Registration), more)
        db.session.commit()
    with count_statements(app) as large:
        client.get(f"{url}?pagina=2")
    assert len(large) == len(small)


def test_check_in_on_another_day_asks_first_also_without_javascript(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, rounds=())
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "anna@school.nl", name="Anna"))
        registration_id, meeting_id = registration.id, meeting.id
    login_as(Role.ORGANISER)
    desk = client.get(f"/beheer/bijeenkomsten/{meeting_id}/inchecken").get_data(as_text=True)
    assert "niet vandaag" in desk
    url = f"/beheer/aanmeldingen/{registration_id}/inchecken"
    next_url = f"/beheer/bijeenkomsten/{meeting_id}/inchecken"
    asked = post(client, url, {"aanwezig": "1", "next": next_url})
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "De bijeenkomst is niet vandaag." in page and "Toch inchecken" in page
    with app.app_context():
        assert db.session.get(Registration, registration_id).checked_in_at is None
    done = post(client, url, {"aanwezig": "1", "andere_dag": "1", "next": next_url})
    assert done.status_code == 303 and done.headers["Location"].endswith(next_url)
    with app.app_context():
        assert db.session.get(Registration, registration_id).checked_in_at is not None


def test_check_in_on_the_meeting_day_needs_no_question(app, client, login_as, make_meeting):
    with app.app_context():
        now = utcnow().replace(second=0, microsecond=0)
        meeting = make_meeting(db.session, rounds=())
        meeting.starts_at, meeting.ends_at = now, now + timedelta(minutes=1)
        db.session.commit()
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "anna@school.nl", name="Anna"))
        registration_id, meeting_id = registration.id, meeting.id
    login_as(Role.ORGANISER)
    assert "niet vandaag" not in client.get(f"/beheer/bijeenkomsten/{meeting_id}/inchecken").get_data(as_text=True)
    row = post(client, f"/beheer/aanmeldingen/{registration_id}/inchecken", {"aanwezig": "1"},
               headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Aanwezig sinds" in row


def test_a_refused_qr_code_says_why(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, capacity=1, rounds=())
        seated, _ = services.sign_up(db.session, meeting, signup_data(meeting, "a@school.nl", name="Anna"))
        waiting, _ = services.sign_up(db.session, meeting, signup_data(meeting, "w@school.nl", name="Wim"))
        gone, _ = services.sign_up(db.session, meeting, signup_data(meeting, "g@school.nl", name="Gea"))
        services.cancel(db.session, gone)
        db.session.commit()
        tokens = {r.name: check_in_token(r) for r in (seated, waiting, gone)}
    login_as(Role.ORGANISER)
    assert "staat op de wachtlijst" in client.get(f"/beheer/inchecken/{tokens['Wim']}").get_data(as_text=True)
    cancelled = client.get(f"/beheer/inchecken/{tokens['Gea']}").get_data(as_text=True)
    assert "deze aanmelding is geannuleerd" in cancelled and "wachtlijst" not in cancelled
    assert "Toch inchecken" not in client.get(f"/beheer/inchecken/{tokens['Anna']}").get_data(as_text=True)


def test_the_delivery_log_shows_attempts_and_the_last_error_as_they_happen(app, client, login_as, make_meeting):
    refused_port = free_port()  # nothing listens here: the connection is refused, as when SMTP is down
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=refused_port, OUTBOX_BACKOFF_SECONDS=3600)
    with app.app_context():
        meeting = make_meeting(db.session, rounds=())
        services.sign_up(db.session, meeting, signup_data(meeting, "anna@school.nl", name="Anna"))
        db.session.execute(sa.delete(OutboxMessage))
        db.session.commit()
        meeting_id = meeting.id
    login_as(Role.ORGANISER)
    url = f"/beheer/bijeenkomsten/{meeting_id}/mail"
    sent = post(client, url, {"audience": "all", "subject": "Route", "body": "Parkeren kan achter.", "action": "send"})
    mailing_url = sent.headers["Location"]
    before = client.get(mailing_url).get_data(as_text=True)
    assert "In de wachtrij" in before and "0 van 8" in before
    deliver_outbox(app)
    after = client.get(mailing_url).get_data(as_text=True)
    assert "In de wachtrij" not in after
    assert "Nog niet bezorgd" in after and "1 van 8" in after
    with app.app_context():
        error = db.session.scalar(sa.select(OutboxMessage.last_error))
    assert error and "Connection" in error and error in after.replace("&#39;", "'")
    assert 'data-hx-trigger="every 10s"' in after  # refreshes itself while mail waits
    fragment = client.get(mailing_url, headers={"HX-Request": "true", "HX-Target": "delivery-log"})
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="delivery-log"')
    with app.app_context():
        assert db.session.get(Meeting, meeting_id) is not None
