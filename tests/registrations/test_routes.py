"""Sign-up, manage, change and cancel over HTTP, without JavaScript: POST → redirect → GET."""

import re

import pytest
import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations.models import Registration, RegistrationStatus


def csrf_token(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def form_data(meeting, **overrides):
    data = {
        "name": "Zoë Łukasz-Öztürk 🎓",
        "email": "zoe@school.nl",
        "organisation": "Vmbo De Brug",
        "role": "vmbo",
        "questions": "Hoe betrekken we bedrijven?",
    }
    for workshop_round in meeting.rounds:
        data[workshop_round.field] = str(workshop_round.workshops[0])
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def sign_up(client, meeting, **overrides):
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    data = form_data(meeting, **overrides)
    data["csrf_token"] = csrf_token(client, url)
    return client.post(url, data=data)


def registrations(app):
    with app.app_context():
        return db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()


def test_sign_up_redirects_to_the_registration_page(app, client, add_meeting):
    meeting = add_meeting(capacity=5, rounds=((3, 3),))
    response = sign_up(client, meeting)
    assert response.status_code == 303
    manage_url = response.headers["Location"]
    assert manage_url.startswith("/aanmelding/")
    page = client.get(manage_url)
    text = page.get_data(as_text=True)
    assert "U bent aangemeld" in text
    assert "Zoë Łukasz-Öztürk 🎓" in text
    assert "Workshop 1A" in text
    assert page.headers["Cache-Control"] == "no-store"
    [registration] = registrations(app)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.questions == "Hoe betrekken we bedrijven?"
    assert registration.share_with_participants is False


def test_second_submit_shows_the_existing_registration(app, client, add_meeting):
    meeting = add_meeting()
    first = sign_up(client, meeting)
    second = sign_up(client, meeting, email=" ZOE@school.NL ")
    assert first.headers["Location"].split(".")[0] == second.headers["Location"].split(".")[0]
    assert "U was al aangemeld" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert len(registrations(app)) == 1


def test_full_meeting_puts_person_on_waiting_list(client, add_meeting):
    meeting = add_meeting(capacity=1)
    sign_up(client, meeting, email="first@school.nl")
    response = sign_up(client, meeting, email="second@school.nl")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "wachtlijst" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Vul uw naam in."),
        ({"name": "x" * 10_000}, "name", "Gebruik hoogstens 200 tekens."),
        ({"email": "geen-adres"}, "email", "Vul een geldig e-mailadres in"),
        ({"email": "a@b.nl\r\nBcc: victim@x.nl"}, "email", "Vul een geldig e-mailadres in"),
        ({"organisation": ""}, "organisation", "Vul de naam van uw school of organisatie in."),
        ({"role": None}, "role", "Kies waar u werkt."),
        ({"role": "koning"}, "role", "Ongeldige keuze"),
        ({"email": "zoë@school.nl"}, "email", "Vul een geldig e-mailadres in"),
        ({"questions": "q" * 10_000}, "questions", "Gebruik hoogstens 2000 tekens."),
        ({"name": "Nul\x00byte"}, "name", "tekens die niet zijn toegestaan"),
        ({"name": "\u200b\u200e"}, "name", "Vul zichtbare tekst in."),
        ({"organisation": "\u2060 \u200b"}, "organisation", "Vul zichtbare tekst in."),
    ],
)
def test_bad_input_shows_error_next_to_field_and_keeps_values(app, client, add_meeting, overrides, field, message):
    meeting = add_meeting()
    response = sign_up(client, meeting, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page
    assert message in page
    assert f'aria-describedby="{field}-description {field}-error"' in page
    if field != "organisation":
        assert 'value="Vmbo De Brug"' in page  # what the person typed is kept
    assert registrations(app) == []


def test_missing_or_foreign_workshop_choice_is_a_field_error(app, client, add_meeting):
    meeting = add_meeting(rounds=((3,), (3,)))
    other = add_meeting()
    for value in (None, str(other.rounds[0].workshops[0]), "abc"):
        response = sign_up(client, meeting, **{meeting.rounds[1].field: value})
        assert response.status_code == 422
        assert f'id="{meeting.rounds[1].field}-error"' in response.get_data(as_text=True)
    assert registrations(app) == []


def test_post_without_csrf_token_is_refused(app, client, add_meeting):
    meeting = add_meeting()
    response = client.post(f"/bijeenkomsten/{meeting.slug}/aanmelden", data=form_data(meeting))
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "formulier was verlopen" in page
    assert 'value="Vmbo De Brug"' in page
    assert registrations(app) == []
    other = client.post(f"/bijeenkomsten/{meeting.slug}/aanmelden/controle/name", data={"name": "x"})
    assert other.status_code == 400  # every other POST is refused outright without a token


def test_unknown_meeting_is_404(client):
    assert client.get("/bijeenkomsten/bestaat-niet/aanmelden").status_code == 404
    assert client.post("/bijeenkomsten/bestaat-niet/aanmelden", data={}).status_code in (400, 404)


def test_change_workshop_through_manage_page(app, client, add_meeting):
    meeting = add_meeting(rounds=((3, 3),))
    manage_url = sign_up(client, meeting).headers["Location"]
    token = csrf_token(client, manage_url)
    field = meeting.rounds[0].field
    response = client.post(manage_url, data={"csrf_token": token, field: str(meeting.rounds[0].workshops[1])})
    assert response.status_code == 303
    page = client.get(manage_url).get_data(as_text=True)
    assert "Uw workshopkeuze is gewijzigd" in page
    [registration] = registrations(app)
    assert registration.sequence == 1


def test_change_to_full_workshop_says_so_and_keeps_old_choice(app, client, add_meeting):
    meeting = add_meeting(rounds=((3, 1),))
    sign_up(client, meeting, email="other@school.nl", **{meeting.rounds[0].field: str(meeting.rounds[0].workshops[1])})
    manage_url = sign_up(client, meeting).headers["Location"]
    token = csrf_token(client, manage_url)
    field = meeting.rounds[0].field
    response = client.post(manage_url, data={"csrf_token": token, field: str(meeting.rounds[0].workshops[1])})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "inmiddels vol" in page
    assert f'id="{field}-error"' in page  # next to the round it concerns
    with app.app_context():
        mine = db.session.scalar(sa.select(Registration).where(Registration.email == "zoe@school.nl"))
        assert mine.choices[0].workshop_id == meeting.rounds[0].workshops[0]


def test_cancel_needs_confirmation_and_a_post(app, client, add_meeting):
    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]
    confirm_page = client.get(manage_url + "/afmelden")
    assert "Weet u zeker" in confirm_page.get_data(as_text=True)
    assert registrations(app)[0].status == RegistrationStatus.CONFIRMED  # a GET changes nothing
    token = csrf_token(client, manage_url + "/afmelden")
    response = client.post(manage_url + "/afmelden", data={"csrf_token": token})
    assert response.status_code == 303
    assert "Uw aanmelding is geannuleerd" in client.get(manage_url).get_data(as_text=True)
    assert registrations(app)[0].status == RegistrationStatus.CANCELLED
    again = client.post(manage_url + "/afmelden", data={"csrf_token": token})
    assert "al geannuleerd" in client.get(again.headers["Location"]).get_data(as_text=True)


def test_tampered_expired_and_foreign_tokens(app, client, add_meeting):
    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]
    tampered = manage_url[:-3] + ("aaa" if not manage_url.endswith("aaa") else "bbb")
    for url in (tampered, "/aanmelding/zomaar-iets", tampered + "/afmelden", tampered + "/uitnodiging.ics"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Pagina niet gevonden" in response.get_data(as_text=True)
    app.config["MANAGE_LINK_MAX_AGE_DAYS"] = -1
    expired = client.get(manage_url)
    assert expired.status_code == 410
    assert "verlopen" in expired.get_data(as_text=True)


def test_invitation_download_parses(client, add_meeting):
    import vobject

    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]
    response = client.get(manage_url + "/uitnodiging.ics")
    cal = vobject.readOne(response.get_data(as_text=True))
    assert cal.method.value == "REQUEST"
    assert cal.vevent.attendee.value == "mailto:zoe@school.nl"


@pytest.mark.parametrize("app", [{"SIGNUP_RATE_LIMIT": "2 per minute"}], indirect=True)
def test_rate_limit_on_sign_up_counts_only_sign_ups_made_and_keeps_what_was_typed(app, client, add_meeting):
    meeting = add_meeting()
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    # Refused and repeated attempts do not count: an empty form, a bad address, the same person twice.
    assert [client.post(url, data={}).status_code for _ in range(5)] == [422] * 5
    assert [sign_up(client, meeting, email="fout").status_code for _ in range(3)] == [422] * 3
    assert sign_up(client, meeting, email="een@school.nl").status_code == 303
    assert sign_up(client, meeting, email="een@school.nl").status_code == 303  # a double submit: shown again
    assert sign_up(client, meeting, email="twee@school.nl").status_code == 303
    refused = sign_up(client, meeting, email="drie@school.nl", name="Derde Collega", organisation="Vmbo Drie")
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "in korte tijd veel aanmeldingen gedaan" in page and "uw gegevens staan er nog" in page
    for kept in ('value="drie@school.nl"', 'value="Derde Collega"', 'value="Vmbo Drie"',
                 "Hoe betrekken we bedrijven?"):
        assert kept in page, kept
    assert re.search(r'<form method="post" action="/bijeenkomsten/[^"]+/aanmelden"', page)
    assert 'name="csrf_token"' in page
    assert [r.email for r in registrations(app)] == ["een@school.nl", "twee@school.nl"]
    assert client.get(url).status_code == 200  # the form itself stays reachable


def test_inline_validation_returns_the_field_fragment(client, add_meeting):
    meeting = add_meeting()
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    token = csrf_token(client, url)
    response = client.post(
        f"{url}/controle/email",
        data={"email": "fout"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    fragment = response.get_data(as_text=True).strip()
    assert response.status_code == 200
    assert fragment.startswith('<div class="utrecht-form-field utrecht-form-field--text utrecht-form-field--invalid"')
    assert 'id="field-email"' in fragment.splitlines()[0]
    assert "Vul een geldig e-mailadres in" in fragment
    assert client.post(f"{url}/controle/email", data={"email": "x@y.nl"}).status_code == 400  # no CSRF header
    assert client.post(f"{url}/controle/bestaat", headers={"X-CSRFToken": token}).status_code == 404


def test_outbox_rows_are_written_with_the_sign_up(app, client, add_meeting):
    meeting = add_meeting()
    sign_up(client, meeting)
    with app.app_context():
        kinds = db.session.scalars(sa.select(OutboxMessage.kind)).all()
    assert kinds == ["registration_confirmed"]


def test_someone_else_typing_a_registered_address_never_sees_the_registration(app, add_meeting):
    meeting = add_meeting()
    owner, stranger = app.test_client(), app.test_client()
    sign_up(owner, meeting)
    response = sign_up(stranger, meeting, name="Iemand Anders")
    assert response.status_code == 303
    assert "/aanmelding/" not in response.headers["Location"]
    page = stranger.get(response.headers["Location"]).get_data(as_text=True)
    assert "U was al aangemeld" in page
    assert "Zoë" not in page and "Vmbo De Brug" not in page
    with app.app_context():
        kinds = db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
        recipients = set(db.session.scalars(sa.select(OutboxMessage.recipient)))
    assert kinds == ["registration_confirmed", "registration_link"]
    assert recipients == {"zoe@school.nl"}
    assert len(registrations(app)) == 1


def test_inline_validation_keeps_autocomplete(client, add_meeting):
    meeting = add_meeting()
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    token = csrf_token(client, url)
    fragment = client.post(f"{url}/controle/email", data={"email": "fout"}, headers={"X-CSRFToken": token})
    assert 'autocomplete="email"' in fragment.get_data(as_text=True)


def test_change_after_cancel_says_why(client, add_meeting):
    meeting = add_meeting(rounds=((3, 3),))
    manage_url = sign_up(client, meeting).headers["Location"]
    client.post(manage_url + "/afmelden", data={"csrf_token": csrf_token(client, manage_url)})
    field = meeting.rounds[0].field
    response = client.post(manage_url, data={"csrf_token": csrf_token(client, manage_url),
                                             field: str(meeting.rounds[0].workshops[1])})
    assert response.status_code == 409
    assert "al geannuleerd" in response.get_data(as_text=True)


@pytest.mark.parametrize("name", ["ねこ", "O'Hara", "Zoë", "Technicus 👩‍🔧", "Ab\u202edef", "<i>Kees</i> & Co"])
def test_unusual_names_are_kept_and_shown_escaped(app, client, add_meeting, login_as, name):
    from markupsafe import escape

    meeting = add_meeting()
    response = sign_up(client, meeting, name=name, organisation=f"{name} BV")
    assert response.status_code == 303
    [registration] = registrations(app)
    assert (registration.name, registration.organisation) == (name, f"{name} BV")  # exactly as typed
    escaped = str(escape(name))  # <, >, &, ' and " as entities, everything else as is
    manage = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"<dd>{escaped}</dd>" in manage and f"<dd>{escaped} BV</dd>" in manage
    login_as()
    listing = client.get(f"/beheer/bijeenkomsten/{meeting.id}/deelnemers").get_data(as_text=True)
    assert escaped in listing and ("<i>" not in listing if "<i>" in name else True)
    export = client.get(f"/beheer/bijeenkomsten/{meeting.id}/export.csv").get_data().decode("utf-8-sig")
    assert name in export
