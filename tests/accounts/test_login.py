"""Login, logout, rate limits, invitations and password resets."""

import re
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from sto_events.accounts.models import AccountToken, Role, User
from sto_events.core.extensions import db
from sto_events.meetings.models import Meeting
from tests.conftest import PASSWORD, deliver_outbox, page_csrf


def login(client, email, password=PASSWORD, next_url=None):
    url = "/inloggen" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data={"email": email, "password": password, "csrf_token": page_csrf(client)})


def test_login_goes_to_mijn_omgeving_and_logout_needs_post(client, make_user):
    email = make_user(Role.ORGANISER)
    response = login(client, email)
    assert response.status_code == 303
    assert response.headers["Location"] == "/mijn-omgeving"
    # An organiser finds the back office there.
    assert 'href="/beheer/"' in client.get("/mijn-omgeving").get_data(as_text=True)
    assert client.get("/uitloggen").status_code == 405
    response = client.post("/uitloggen", data={"csrf_token": page_csrf(client, "/")})
    assert response.status_code == 303
    assert client.get("/beheer/").status_code == 302


def test_unknown_email_and_wrong_password_look_the_same(client, make_user):
    email = make_user()
    wrong = login(client, email, "verkeerd wachtwoord!!")
    unknown = login(client, "niemand@stotest.nl", "verkeerd wachtwoord!!")
    assert wrong.status_code == unknown.status_code == 422

    def strip(page):
        return re.sub(r'(csrf[-_]token"[^>]*?(content|value)=")[^"]+', r"\1", page.get_data(as_text=True)).replace(
            email, "EMAIL"
        ).replace("niemand@stotest.nl", "EMAIL")

    assert strip(wrong) == strip(unknown)
    assert "Deze combinatie van e-mailadres en wachtwoord kennen we niet." in wrong.get_data(as_text=True)


HOSTILE_TARGETS = ["https://evil.example/", "//evil.example", "/\\evil.example", "\\\\evil.example",
                   "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "/\t/evil.example",
                   "data:text/html,x", "evil.example"]


def test_next_parameter_only_allows_local_paths(client, make_user):
    email = make_user()
    for target in HOSTILE_TARGETS:
        response = login(client, email, next_url=quote(target, safe=""))
        assert response.headers["Location"] == "/mijn-omgeving", target
        client.post("/uitloggen", data={"csrf_token": page_csrf(client, "/")})
    assert login(client, email, next_url="/beheer/gebruikers").headers["Location"] == "/beheer/gebruikers"


def test_language_switch_and_back_office_return_only_to_local_paths(app, client, make_user, add_meeting):
    for target in HOSTILE_TARGETS:
        response = client.post("/taal", data={"lang": "en", "next": target, "csrf_token": page_csrf(client, "/")})
        assert response.headers["Location"] == "/", target
    login(client, make_user())
    meeting = add_meeting()
    with app.app_context():
        from sto_events.registrations import services
        from tests.registrations.helpers import signup_data

        full = db.session.get(Meeting, meeting.id)
        registration_id = services.sign_up(db.session, full, signup_data(full, "p@school.nl"))[0].id
    for target in HOSTILE_TARGETS:
        response = client.post(f"/beheer/aanmeldingen/{registration_id}/inchecken",
                               data={"next": target, "andere_dag": "1", "csrf_token": page_csrf(client, "/beheer/")})
        assert response.headers["Location"] == f"/beheer/aanmeldingen/{registration_id}", target


def test_session_is_renewed_at_login_and_old_cookie_dies_at_logout(app, client, make_user):
    email = make_user()
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    with client.session_transaction() as planted:
        planted["my_registrations"] = ["someone-elses-registration"]  # whatever was there before login
        planted["_fresh"] = True
        before_token = planted["csrf_token"]
    before = client.get_cookie("session").value
    login(client, email)
    after = client.get_cookie("session").value
    assert before != after
    with client.session_transaction() as renewed:
        assert "my_registrations" not in renewed and renewed.get("csrf_token") != before_token
        assert renewed["lang"] == "en" and renewed["_user_id"]  # only the language carries over
    client.post("/uitloggen", data={"csrf_token": page_csrf(client, "/")})
    replay = app.test_client()
    replay.set_cookie("session", after)
    assert replay.get("/beheer/").status_code == 302  # the stolen cookie no longer logs in


@pytest.mark.parametrize("app", [{"LOGIN_RATE_LIMIT_ACCOUNT": "3 per minute"}], indirect=True)
def test_rate_limit_per_account_counts_failures(client, make_user):
    email = make_user()
    assert login(client, email).status_code == 303  # successes do not count
    client.post("/uitloggen", data={"csrf_token": page_csrf(client, "/")})
    for _ in range(5):  # posts without a valid form cannot be used to lock the account
        client.post("/inloggen", data={"email": email, "password": "x"})
    codes = [login(client, email, "fout wachtwoord 123").status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    assert login(client, email).status_code == 429  # even the right password waits now
    assert login(client, "ander@stotest.nl", "fout wachtwoord 123").status_code == 422  # other accounts are not blocked


@pytest.mark.parametrize("app", [{"LOGIN_RATE_LIMIT_CLIENT": "2 per minute"}], indirect=True)
def test_rate_limit_per_client(client):
    codes = [login(client, f"p{i}@stotest.nl", "fout wachtwoord 123").status_code for i in range(3)]
    assert codes == [422, 422, 429]


def test_invitation_sets_password_once(app, client, login_as, smtp):
    login_as(Role.ORGANISER)
    token = page_csrf(client, "/beheer/gebruikers")
    response = client.post(
        "/beheer/gebruikers",
        data={"csrf_token": token, "name": "Rik Regio", "email": "Rik@Regio.nl", "role": "region_coordinator"},
    )
    assert response.status_code == 303
    resent = client.post(
        "/beheer/gebruikers",
        data={"csrf_token": token, "name": "Rik", "email": "rik@regio.nl", "role": "organiser"},
    )
    assert resent.status_code == 303  # not accepted yet: a fresh link goes out
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    deliver_outbox(app)
    first_mail, mail = smtp.inbox.to("rik@regio.nl")
    link = re.search(r"http://sto\.test(/uitnodiging/\S+)", mail.get_body(("plain",)).get_content()).group(1)

    visitor = app.test_client()
    form = visitor.get(link)
    assert "Welkom, Rik Regio" in form.get_data(as_text=True)
    short = visitor.post(link, data={"csrf_token": page_csrf(visitor, link), "password": "kort", "confirm": "kort"})
    assert short.status_code == 422 and "Gebruik minstens 12 tekens." in short.get_data(as_text=True)
    done = visitor.post(
        link, data={"csrf_token": page_csrf(visitor, link), "password": PASSWORD, "confirm": PASSWORD}
    )
    assert done.status_code == 303
    used = visitor.get(link)
    assert used.status_code == 404  # single use
    # The refusal shows the ways on: log in, or ask for a new link.
    assert ways_on(used) == ["/inloggen", "/wachtwoord-vergeten", "/"]
    older = re.search(r"http://sto\.test(/uitnodiging/\S+)", first_mail.get_body(("plain",)).get_content()).group(1)
    assert visitor.get(older).status_code == 404  # and the older link died with it
    assert login(visitor, "rik@regio.nl").status_code == 303
    again = client.post(
        "/beheer/gebruikers",
        data={"csrf_token": token, "name": "Rik", "email": "rik@regio.nl", "role": "organiser"},
    )
    assert again.status_code == 409
    assert "Er is al een account" in again.get_data(as_text=True)
    with app.app_context():
        from sto_events.audit.models import AuditEntry

        assert db.session.scalars(sa.select(AuditEntry.action)).all().count("user.invite") == 2


def ways_on(response) -> list[str]:
    """The links in the main part of an error page (the header's own login link does not count)."""
    main = re.search(r"<main.*?</main>", response.get_data(as_text=True), re.S).group(0)
    return re.findall(r'<a class="utrecht-link[^"]*" href="([^"]+)"', main)


def test_reset_link_works_once_and_expires(app, client, make_user, smtp):
    email = make_user()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    answers = []
    for address in (email, "onbekend@stotest.nl"):
        response = client.post("/wachtwoord-vergeten", data={"email": address, "csrf_token": page_csrf(client)})
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, response.headers["Location"],
                        re.sub(r'content="[^"]+"|value="[^"]+"', "", page)))
    # The same answer, down to the page that follows, for a known and an unknown address.
    assert answers[0] == answers[1] and answers[0][0] == 303
    assert "Als er een account bij dit e-mailadres hoort" in answers[0][2]
    deliver_outbox(app)
    assert [m["to"] for m in smtp.inbox.messages] == [[email]]
    link = re.search(r"http://sto\.test(/wachtwoord-instellen/\S+)", smtp.inbox.to(email)[0].get_body(("plain",))
                     .get_content()).group(1)
    new_password = "een ander lang wachtwoord"
    response = client.post(
        link, data={"csrf_token": page_csrf(client, link), "password": new_password, "confirm": new_password}
    )
    assert response.status_code == 303
    used = client.get(link)
    assert used.status_code == 404
    assert ways_on(used) == ["/inloggen", "/wachtwoord-vergeten", "/"]
    assert login(client, email, new_password).status_code == 303

    # A second reset link, then made to look two hours old: refused as expired.
    client.post("/wachtwoord-vergeten", data={"email": email, "csrf_token": page_csrf(client, "/wachtwoord-vergeten")})
    deliver_outbox(app)
    link = re.search(r"http://sto\.test(/wachtwoord-instellen/\S+)", smtp.inbox.to(email)[-1].get_body(("plain",))
                     .get_content()).group(1)
    from datetime import timedelta

    from sto_events.core.timeutil import utcnow

    with app.app_context():
        db.session.execute(sa.update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    expired = client.get(link)
    assert expired.status_code == 410  # logged in by now: no login link, but a way to a new link
    assert ways_on(expired) == ["/wachtwoord-vergeten", "/mijn-omgeving", "/"]


def test_create_organiser_cli(app, runner):
    result = runner.invoke(args=["create-organiser", "Baas@STOtest.nl", "--name", "Baas", "--password", PASSWORD])
    assert "organiser Baas <baas@stotest.nl> created" in result.output
    again = runner.invoke(args=["create-organiser", "baas@stotest.nl", "--name", "B", "--password", PASSWORD])
    assert again.exit_code != 0 and "exists" in again.output
    short = runner.invoke(args=["create-organiser", "x@stotest.nl", "--name", "X", "--password", "kort"])
    assert short.exit_code != 0 and "12" in short.output
    prompted = runner.invoke(args=["create-organiser", "p@stotest.nl"], input=f"Piet\n{PASSWORD}\n{PASSWORD}\n")
    assert "created" in prompted.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.email == "baas@stotest.nl")) == Role.ORGANISER


def test_idle_and_absolute_session_limits(app, client, login_as):
    import time

    login_as(Role.ORGANISER)
    assert client.get("/beheer/").status_code == 200
    assert client.get("/beheer/").headers["Cache-Control"] == "no-store"
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 31 * 60
    response = client.get("/beheer/")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]

    login_as(Role.ORGANISER)
    with client.session_transaction() as session:
        session["login_at"] = int(time.time()) - 13 * 3600  # active all day, but 12 hours is the limit
    assert client.get("/beheer/").status_code == 302


def test_session_cookie_flags(app_factory):
    app = app_factory(ENV_NAME="production", SESSION_COOKIE_SECURE=True)
    header = app.test_client().get("/inloggen").headers["Set-Cookie"]  # the CSRF token starts a session
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" in header


def test_an_expired_invitation_is_refused_and_a_new_one_can_be_sent(app, client, login_as):
    from datetime import timedelta

    from sto_events.accounts.models import TokenPurpose
    from sto_events.accounts.services import _issue_token, create_user
    from sto_events.core.timeutil import utcnow

    with app.app_context():
        user = create_user(db.session, "laat@regio.nl", "Laat", Role.SCHOOL_CONTACT)
        secret = _issue_token(db.session, user, TokenPurpose.INVITATION)
        db.session.commit()
        db.session.execute(sa.update(AccountToken).values(expires_at=utcnow() - timedelta(minutes=1)))
        db.session.commit()
    response = client.get(f"/uitnodiging/{secret}")
    assert response.status_code == 410 and "verlopen" in response.get_data(as_text=True)
    login_as(Role.ORGANISER)
    data = {"csrf_token": page_csrf(client, "/beheer/gebruikers"), "name": "Laat", "email": "laat@regio.nl",
            "role": "school_contact"}
    again = client.post("/beheer/gebruikers", data=data)
    assert again.status_code == 303  # never accepted: a fresh invitation goes out


def test_an_organiser_switches_an_account_off_and_on_again(app, client, make_user, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    me = make_user(Role.ORGANISER)
    leaver = make_user(Role.ORGANISER, email="vertrokken@stotest.nl", name="Vera Vertrokken")
    theirs = app.test_client()
    login(theirs, leaver)
    theirs.post("/wachtwoord-vergeten", data={"email": leaver, "csrf_token": page_csrf(theirs)})
    login(client, me)
    with app.app_context():
        ids = dict(db.session.execute(sa.select(User.email, User.id)).all())
    page = client.get("/beheer/gebruikers").get_data(as_text=True)
    assert f"/beheer/gebruikers/{ids[leaver]}/actief" in page
    assert f"/beheer/gebruikers/{ids[me]}/actief" not in page  # no button to switch yourself off

    response = client.post(f"/beheer/gebruikers/{ids[leaver]}/actief",
                           data={"active": "0", "csrf_token": page_csrf(client, "/beheer/gebruikers")})
    assert response.status_code == 303
    assert "Het account van Vera Vertrokken staat uit" in client.get("/beheer/gebruikers").get_data(as_text=True)
    assert theirs.get("/beheer/").status_code == 302  # the open session ended at once
    refused = login(theirs, leaver)
    assert refused.status_code == 422 and "Deze combinatie van e-mailadres en wachtwoord" in refused.get_data(
        as_text=True)
    deliver_outbox(app)
    [reset_mail] = smtp.inbox.to(leaver)
    link = re.search(r"http://sto\.test(/wachtwoord-instellen/\S+)", reset_mail.get_body(("plain",)).get_content())
    assert theirs.get(link.group(1)).status_code == 404  # the reset link sent before died with the account

    # Switching yourself off is refused, even when asked for directly.
    client.post(f"/beheer/gebruikers/{ids[me]}/actief",
                data={"active": "0", "csrf_token": page_csrf(client, "/beheer/gebruikers")})
    assert client.get("/beheer/").status_code == 200

    client.post(f"/beheer/gebruikers/{ids[leaver]}/actief",
                data={"active": "1", "csrf_token": page_csrf(client, "/beheer/gebruikers")})
    assert login(theirs, leaver).status_code == 303
    with app.app_context():
        from sto_events.audit.models import AuditEntry

        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-2:] == ["user.deactivate", "user.activate"]


def test_every_user_changes_their_password_knowing_the_current_one(app, client, make_user):
    email = make_user(Role.REGION_COORDINATOR, name="Rik Regio")
    assert client.get("/account").status_code == 302  # visitors go to the login page
    assert login(client, email).headers["Location"] == "/mijn-omgeving"  # their own page, not the back office
    other_device = app.test_client()
    login(other_device, email)
    page = client.get("/account")
    text = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "Rik Regio" in text and "Regiocoördinator" in text and "Mijn account" in text

    def change(current, new, confirm=None):
        return client.post("/account", data={"current": current, "password": new, "confirm": confirm or new,
                                             "csrf_token": page_csrf(client, "/account")})

    wrong = change("niet mijn wachtwoord", "een heel nieuw wachtwoord")
    assert wrong.status_code == 422 and "Dit is niet uw huidige wachtwoord." in wrong.get_data(as_text=True)
    short = change(PASSWORD, "kort")
    assert short.status_code == 422 and "Gebruik minstens 12 tekens." in short.get_data(as_text=True)
    assert change(PASSWORD, "een heel nieuw wachtwoord").status_code == 303
    assert client.get("/account").status_code == 200  # this session goes on
    assert other_device.get("/account").status_code == 302  # the other one ended
    assert login(app.test_client(), email).status_code == 422  # the old password is gone
    assert login(app.test_client(), email, "een heel nieuw wachtwoord").status_code == 303


@pytest.mark.parametrize("app", [{"LOGIN_RATE_LIMIT_ACCOUNT": "2 per minute"}], indirect=True)
def test_guessing_the_current_password_is_limited(app, client, make_user):
    email = make_user()
    login(client, email)
    # One wrong guess at the login page and one here: they count together, per account.
    assert login(app.test_client(), email, "fout wachtwoord 123").status_code == 422
    codes = [client.post("/account", data={"current": f"gok nummer {i} van veel", "password": "x" * 12,
                                           "confirm": "x" * 12, "csrf_token": page_csrf(client, "/account")})
             .status_code for i in range(2)]
    assert codes == [422, 429]
    # Logging out and in again does not give a fresh budget.
    client.post("/uitloggen", data={"csrf_token": page_csrf(client, "/")})
    assert login(client, email).status_code == 429
