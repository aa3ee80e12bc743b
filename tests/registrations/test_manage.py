"""The manage page reached by the signed link: workshop texts that match what a change does, name and organisation
corrected by the participant, a cancelled registration, and the place on the waiting list."""

import re

import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import privacy, services
from sto_events.registrations.models import Registration, RegistrationStatus
from tests.conftest import deliver_outbox
from tests.registrations.helpers import signup_data
from tests.registrations.test_routes import csrf_token, registrations, sign_up


def picker_text(page: str) -> str:
    return page[page.index('id="workshop-picker"'):]


def test_page_after_sign_up_says_how_to_see_other_participants(client, add_meeting):
    meeting = add_meeting()
    page = client.get(sign_up(client, meeting).headers["Location"]).get_data(as_text=True)
    assert "als u deze pagina opent met de link uit onze e-mail" not in page  # the person is on that page already
    assert "Open daarvoor de link in de bevestigingsmail die we u stuurden." in page


def test_confirmed_participant_sees_own_full_workshop_as_their_place(client, add_meeting):
    meeting = add_meeting(rounds=((1, 1, 3),))
    field = meeting.rounds[0].field
    sign_up(client, meeting, email="other@school.nl", **{field: str(meeting.rounds[0].workshops[1])})
    page = client.get(sign_up(client, meeting).headers["Location"]).get_data(as_text=True)  # takes 1A, now full
    picker = picker_text(page)
    assert "Is uw keuze vol, dan komt u op de wachtlijst" not in picker  # a change to a full workshop is refused
    assert "Naar een volle workshop kunt u niet wisselen" in picker
    assert "wachtlijst" not in picker
    own = f'id="workshop-{meeting.rounds[0].workshops[0]}-places">hier heeft u een plaats</span>'
    assert own in picker
    assert f'id="workshop-{meeting.rounds[0].workshops[1]}-places">vol</span>' in picker
    assert "nog 3 plaatsen" in picker


def test_wait_listed_participant_may_change_to_a_full_workshop_and_keeps_waiting(app, client, add_meeting):
    meeting = add_meeting(capacity=1, rounds=((1, 1),))
    field = meeting.rounds[0].field
    sign_up(client, meeting, email="first@school.nl", **{field: str(meeting.rounds[0].workshops[1])})
    manage_url = sign_up(client, meeting).headers["Location"]
    page = client.get(manage_url).get_data(as_text=True)
    assert "U blijft op de wachtlijst tot er plaats is" in picker_text(page)  # what the text promises ...
    response = client.post(manage_url, data={"csrf_token": csrf_token(client, manage_url),
                                             field: str(meeting.rounds[0].workshops[1])})
    assert response.status_code == 303  # ... is what happens: the change is taken, the person still waits
    assert "U staat nog op de wachtlijst" in client.get(manage_url).get_data(as_text=True)
    mine = [r for r in registrations(app) if r.email == "zoe@school.nl"][0]
    assert mine.status == RegistrationStatus.WAITLISTED


def test_places_refresh_returns_only_the_texts_never_the_inputs(client, add_meeting):
    meeting = add_meeting(rounds=((4, 0),))
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden/workshops"
    fragment = client.get(url, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "<input" not in fragment
    first, second = meeting.rounds[0].workshops
    assert re.search(rf'id="workshop-{first}-places" data-hx-swap-oob="true">nog 4 plaatsen</span>', fragment)
    assert re.search(rf'id="workshop-{second}-places" data-hx-swap-oob="true">vol: wachtlijst</span>', fragment)
    assert client.get(url).status_code == 303  # no page lives here


def test_places_refresh_on_the_manage_page_knows_the_participant(client, add_meeting):
    meeting = add_meeting(rounds=((1, 2),))
    manage_url = sign_up(client, meeting).headers["Location"]
    response = client.get(manage_url + "/workshops", headers={"HX-Request": "true"})
    assert response.headers["Cache-Control"] == "no-store"  # it tells where this person has a place
    fragment = response.get_data(as_text=True)
    assert "<input" not in fragment
    assert f'id="workshop-{meeting.rounds[0].workshops[0]}-places" data-hx-swap-oob="true">hier heeft u een plaats' \
        in fragment
    assert "nog 2 plaatsen" in fragment
    assert client.get(manage_url + "/workshops").headers["Location"] == manage_url
    assert client.get("/aanmelding/zomaar-iets/workshops", headers={"HX-Request": "true"}).status_code == 404


def test_participant_corrects_name_and_organisation(app, client, add_meeting, login_as):
    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]
    page = client.get(manage_url).get_data(as_text=True)
    assert "Naam of organisatie wijzigen" in page and 'value="Vmbo De Brug"' in page
    response = client.post(manage_url + "/gegevens", data={
        "csrf_token": csrf_token(client, manage_url), "name": "  Zoë Öztürk ", "organisation": "Vmbo De Boog"})
    assert response.status_code == 303
    assert response.headers["Location"] == manage_url
    page = client.get(manage_url).get_data(as_text=True)
    assert "Uw naam en organisatie zijn opgeslagen." in page
    assert "<dd>Zoë Öztürk</dd>" in page and "<dd>Vmbo De Boog</dd>" in page
    [registration] = registrations(app)
    assert (registration.name, registration.organisation) == ("Zoë Öztürk", "Vmbo De Boog")
    assert registration.sequence == 0  # only the attendee's display name changes: no new invitation
    login_as()
    listing = client.get(f"/beheer/bijeenkomsten/{meeting.id}/deelnemers").get_data(as_text=True)
    assert "Zoë Öztürk" in listing and "Vmbo De Boog" in listing and "Vmbo De Brug" not in listing


def test_invitation_download_carries_the_corrected_name(client, add_meeting):
    import vobject

    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]
    client.post(manage_url + "/gegevens", data={
        "csrf_token": csrf_token(client, manage_url), "name": "Zoë Öztürk", "organisation": "Vmbo De Brug"})
    cal = vobject.readOne(client.get(manage_url + "/uitnodiging.ics").get_data(as_text=True))
    assert cal.vevent.attendee.params["CN"] == ["Zoë Öztürk"]
    assert cal.vevent.sequence.value == "0"


def test_bad_name_or_organisation_is_shown_next_to_the_field_and_kept(app, client, add_meeting):
    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]
    for data, field, message in (
        ({"name": "", "organisation": "Nieuwe School"}, "name", "Vul uw naam in."),
        ({"name": "Nul\x00byte", "organisation": "Nieuwe School"}, "name", "tekens die niet zijn toegestaan"),
        ({"name": "x" * 300, "organisation": "Nieuwe School"}, "name", "Gebruik hoogstens 200 tekens."),
        ({"name": "Zoë", "organisation": "\u200b"}, "organisation", "Vul zichtbare tekst in."),
    ):
        response = client.post(manage_url + "/gegevens", data={"csrf_token": csrf_token(client, manage_url), **data})
        page = response.get_data(as_text=True)
        assert response.status_code == 422
        assert f'id="{field}-error"' in page and message in page
        assert f'aria-describedby="{field}-description {field}-error"' in page
        if field == "name":
            assert 'value="Nieuwe School"' in page  # what was typed stays
    [registration] = registrations(app)
    assert (registration.name, registration.organisation) == ("Zoë Łukasz-Öztürk 🎓", "Vmbo De Brug")
    assert client.post(manage_url + "/gegevens", data={"name": "X", "organisation": "Y"}).status_code == 400


def test_cancelled_registration_shows_no_workshops_and_offers_to_sign_up_again(app, client, add_meeting):
    meeting = add_meeting(rounds=((3, 3),))
    manage_url = sign_up(client, meeting).headers["Location"]
    client.post(manage_url + "/afmelden", data={"csrf_token": csrf_token(client, manage_url)})
    page = client.get(manage_url).get_data(as_text=True)
    assert "Deze aanmelding is geannuleerd." in page
    assert "Workshop 1A" not in page and "Ronde 1" not in page
    assert "Naam of organisatie wijzigen" not in page
    assert f'href="/bijeenkomsten/{meeting.slug}/aanmelden">Opnieuw aanmelden voor deze bijeenkomst</a>' in page
    refused = client.post(manage_url + "/gegevens", data={
        "csrf_token": csrf_token(client, manage_url), "name": "Ander", "organisation": "Anders"})
    assert refused.status_code == 409 and "al geannuleerd" in refused.get_data(as_text=True)
    assert registrations(app)[0].name == "Zoë Łukasz-Öztürk 🎓"
    again = sign_up(client, meeting)  # the link leads to a form that works
    assert again.status_code == 303 and again.headers["Location"] != manage_url
    assert [r.status for r in registrations(app)] == [RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED]


def test_cancelled_registration_of_a_closed_meeting_offers_no_sign_up(app, client, add_meeting):
    from sto_events.meetings.models import Meeting, MeetingStatus

    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]
    client.post(manage_url + "/afmelden", data={"csrf_token": csrf_token(client, manage_url)})
    with app.app_context():
        db.session.get(Meeting, meeting.id).status = MeetingStatus.CANCELLED
        db.session.commit()
    assert "Opnieuw aanmelden" not in client.get(manage_url).get_data(as_text=True)


def test_waitlist_position_follows_the_order_promotion_uses(app, session, make_meeting):
    meeting = make_meeting(session, capacity=1, rounds=((5,),))
    first, _ = services.sign_up(session, meeting, signup_data(meeting, "seat@school.nl"))
    waiting = [services.sign_up(session, meeting, signup_data(meeting, f"w{i}@school.nl"))[0] for i in range(3)]
    # Two who joined in the same instant: the lower id goes first, in promotion as in the position.
    session.execute(sa.update(Registration).where(Registration.id.in_([w.id for w in waiting[1:]]))
                    .values(waitlisted_at=waiting[1].waitlisted_at))
    session.commit()
    for registration in waiting:
        session.refresh(registration)
    assert [services.waitlist_position(session, w) for w in waiting] == [1, 2, 3]
    assert services.waitlist_position(session, first) is None
    assert privacy.export(session, waiting[2])["waiting_list_position"] == 3
    services.cancel(session, first)
    for registration in waiting:
        session.refresh(registration)
    assert waiting[0].status == RegistrationStatus.CONFIRMED
    assert [services.waitlist_position(session, w) for w in waiting] == [None, 1, 2]


def test_waitlisted_person_sees_their_position_on_the_page_and_in_the_mail(app, add_meeting):
    meeting = add_meeting(capacity=1)
    pages = []
    for email in ("seat@school.nl", "w1@school.nl", "w2@school.nl"):
        client = app.test_client()
        pages.append(client.get(sign_up(client, meeting, email=email).headers["Location"]).get_data(as_text=True))
    assert "nummer" not in pages[0]
    assert "U bent nummer 1 op de wachtlijst." in pages[1]
    assert "U bent nummer 2 op de wachtlijst." in pages[2]
    with app.app_context():
        mails = dict(db.session.execute(
            sa.select(OutboxMessage.recipient, OutboxMessage.body_text)
            .where(OutboxMessage.kind == "registration_waitlisted")).all())
    assert "U bent nummer 2 op de wachtlijst." in mails["w2@school.nl"]
    assert "\nU bent nummer 2 op de wachtlijst.\n\nBijeenkomst:" in mails["w2@school.nl"]


def test_position_mail_goes_out_over_smtp(mail_app, smtp, make_meeting):
    with mail_app.app_context():
        meeting = make_meeting(db.session, capacity=1)
        for email in ("seat@school.nl", "w1@school.nl"):
            services.sign_up(db.session, meeting, signup_data(meeting, email))
    deliver_outbox(mail_app)
    [mail] = smtp.inbox.to("w1@school.nl")
    assert "U bent nummer 1 op de wachtlijst." in mail.get_body(("plain",)).get_content()
    assert "U bent nummer 1 op de wachtlijst." in mail.get_body(("html",)).get_content()
