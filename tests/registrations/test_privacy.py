"""Personal data is anonymised after the retention period; statistics survive."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.meetings.models import Meeting
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus

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


def test_download_and_erase_through_the_manage_link(app, client, add_meeting):
    import json

    from tests.registrations.test_routes import csrf_token, sign_up

    meeting = add_meeting(capacity=1)
    manage_url = sign_up(client, meeting).headers["Location"]
    other = app.test_client()
    waiting_url = sign_up(other, meeting, email="wacht@school.nl", name="Wachtende").headers["Location"]
    sign_up(app.test_client(), meeting, email="wacht2@school.nl", name="Tweede Wachtende")
    waiting = json.loads(other.get(waiting_url + "/gegevens.json").get_data(as_text=True))
    assert (waiting["status"], waiting["waiting_list_position"]) == ("waitlisted", 1)
    assert waiting["mails"][0]["subject"].startswith("U staat op de wachtlijst")
    data = client.get(manage_url + "/gegevens.json")
    assert data.headers["Cache-Control"] == "no-store"
    exported = json.loads(data.get_data(as_text=True))
    assert exported["email"] == "zoe@school.nl" and exported["status"] == "confirmed"
    assert exported["consents"] == {"share_name_and_organisation_with_participants": False}
    assert exported["mails"][0]["subject"].startswith("Aanmelding bevestigd")

    assert "Ja, verwijder mijn gegevens" in client.get(manage_url + "/verwijderen").get_data(as_text=True)
    response = client.post(manage_url + "/verwijderen", data={"csrf_token": csrf_token(client, manage_url)})
    assert response.status_code == 303
    assert "Uw gegevens zijn verwijderd" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        rows = {r.email or "(erased)": r for r in db.session.scalars(sa.select(Registration))}
        erased = rows["(erased)"]
        assert (erased.name, erased.organisation, erased.questions) == ("", "", "")
        assert erased.status == RegistrationStatus.CANCELLED
        assert rows["wacht@school.nl"].status == RegistrationStatus.CONFIRMED  # the seat went to the next person
        recipients = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
        assert "zoe@school.nl" not in recipients  # the unsent mails about them are gone
    page = client.get(manage_url).get_data(as_text=True)
    assert "Zoë" not in page and "Verwijder mijn gegevens" not in page
    assert client.get(manage_url + "/gegevens.json").status_code == 200


def test_consent_is_off_by_default_and_can_be_given_and_withdrawn(app, client, add_meeting):
    from tests.registrations.test_routes import csrf_token, sign_up

    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]

    def sharing():
        with app.app_context():
            return db.session.scalar(sa.select(Registration.share_with_participants))

    assert sharing() is False
    client.post(manage_url + "/toestemming", data={"csrf_token": csrf_token(client, manage_url),
                                                    "share_with_participants": "y"})
    assert sharing() is True
    response = client.post(manage_url + "/toestemming", data={"csrf_token": csrf_token(client, manage_url)})
    assert response.status_code == 303 and sharing() is False
    assert "zien uw naam en organisatie niet" in client.get(manage_url).get_data(as_text=True)
    assert client.post(manage_url + "/toestemming", data={"share_with_participants": "y"}).status_code == 400
    assert sharing() is False


def test_names_are_shown_to_fellow_participants_only_with_consent(app, add_meeting):
    import re

    from tests.registrations.test_routes import csrf_token, sign_up

    meeting, other_meeting = add_meeting(capacity=4), add_meeting()
    pages = {}

    def join(key, name, share, on=meeting):
        client = app.test_client()
        consent = {"share_with_participants": "y"} if share else {}
        response = sign_up(client, on, email=f"{key}@school.nl", name=name, organisation=f"School van {key}",
                           **consent)
        with app.app_context():
            body = db.session.scalar(sa.select(OutboxMessage.body_text)
                                     .where(OutboxMessage.recipient == f"{key}@school.nl"))
        mailed = re.search(r"http://sto\.test(/aanmelding/\S+)", body).group(1)
        pages[key] = (client, mailed, response.headers["Location"])

    join("anna", "Anna <b>de Vries</b>", True)
    join("bert", "Bert Zonder Toestemming", False)
    join("carla", "Carla Çelik", True)
    join("eva", "Eva Kijker", True)
    join("dirk", "Dirk Wachtlijst", True)  # the meeting is full: wait-listed
    join("olaf", "Olaf Elders", True, on=other_meeting)

    def fellows(key, link=1):
        client, url = pages[key][0], pages[key][link]
        page = client.get(url).get_data(as_text=True)
        return page[page.find("Andere deelnemers"):page.find("Uw gegevens")] if "Andere deelnemers" in page else ""

    seen = fellows("eva")
    assert "<bdi>Anna &lt;b&gt;de Vries&lt;/b&gt;</bdi>, <bdi>School van anna</bdi>" in seen and "<b>" not in seen
    assert "<bdi>Carla Çelik</bdi>, <bdi>School van carla</bdi>" in seen
    for hidden in ("Bert", "Eva Kijker", "Dirk", "Olaf"):
        assert hidden not in seen
    # Signing up is not enough to see who comes: anyone can type a made-up address. The page shown right after
    # the sign-up (not a link from our mail) gives only a hint, and a waiting person sees nothing.
    right_after = fellows("eva", link=2)
    assert "de link in de bevestigingsmail" in right_after and "Anna" not in right_after
    assert fellows("dirk") == ""

    # Carla withdraws her consent: on the very next page view she is gone.
    client, url, _ = pages["carla"]
    client.post(url + "/toestemming", data={"csrf_token": csrf_token(client, url)})
    assert "Carla" not in fellows("eva")
    assert "Anna" in fellows("carla")

    # Someone who cancelled no longer takes part and sees nobody.
    client, url, _ = pages["anna"]
    client.post(url + "/afmelden", data={"csrf_token": csrf_token(client, url + "/afmelden")})
    assert "Anna" not in fellows("eva")
    anna_page = client.get(url).get_data(as_text=True)
    assert "Andere deelnemers" not in anna_page and "Carla" not in anna_page and "Eva Kijker" not in anna_page


@pytest.mark.parametrize("app", [{"RETENTION_MONTHS": 6}], indirect=True)
def test_retention_months_are_configurable_and_the_privacy_page_says_so(app, client, runner, make_meeting):
    page = client.get("/privacy").get_data(as_text=True)
    for what_and_why in ("Naam en organisatie: voor uw naambadge en de presentielijst",
                         "E-mailadres: voor de bevestiging", "Wie het ziet",
                         "6 maanden na de bijeenkomst maken we uw gegevens anoniem",
                         "downloadt u alle gegevens"):
        assert what_and_why in page
    with app.app_context():
        session = db.session
        ages = {"seven months": 7 * 31, "five months": 5 * 30, "two months": 2 * 31}
        for label, days in ages.items():
            meeting = make_meeting(session, title=label)
            services.sign_up(session, meeting, signup_data(meeting, f"{days}@school.nl"))
            session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(
                starts_at=utcnow() - timedelta(days=days), ends_at=utcnow() - timedelta(days=days, hours=-4)))
        session.commit()

    def kept():
        with app.app_context():
            return sorted(db.session.scalars(sa.select(Registration.email).where(Registration.email != "")))

    assert "1 registration(s) anonymised" in runner.invoke(args=["purge-personal-data"]).output  # the 6 months
    assert kept() == ["150@school.nl", "62@school.nl"]
    assert "1 registration(s) anonymised" in runner.invoke(args=["purge-personal-data", "--months", "3"]).output
    assert kept() == ["62@school.nl"]
