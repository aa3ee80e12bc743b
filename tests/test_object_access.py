"""Every route that takes an object id, token or slug, found in the url_map, tried by every kind of user with
somebody else's object: 403 or 404 (visitors go to the login page for the back office), and nothing changes.

A new route with arguments fails `test_every_route_with_arguments_is_listed` until it is added to GROUPS below, with
what "somebody else's object" means for it. The manage pages under an object's own URL (region_scope,
organisation_scope) are also tried by each actor against their own object, which must open. Extra form fields that
name a role or another owner are ignored.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from sto_events.accounts import services as accounts
from sto_events.accounts.models import Role, User
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.meetings.models import MeetingStatus
from sto_events.notifications.models import Mailing, OutboxMessage
from sto_events.organisations import companies
from sto_events.organisations.models import Organisation, OrganisationContact
from sto_events.organisations.vocabulary import OrganisationKind
from sto_events.places import services as places
from sto_events.regions import demo
from sto_events.regions.models import Region, RegionCoordinator
from sto_events.registrations import services, tokens
from sto_events.registrations.models import Registration, RegistrationStatus
from tests.conftest import PASSWORD, page_csrf
from tests.registrations.helpers import signup_data
from tests.registrations.test_routes import form_data
from tests.site import is_back_office

#: Which routes take which kind of argument; every rule with arguments must be in exactly one group.
GROUPS = {
    "back_office": is_back_office,
    "participant_link": lambda endpoint: endpoint in {
        "registrations.manage", "registrations.cancel", "registrations.export_data", "registrations.consent",
        "registrations.invitation", "registrations.erase", "registrations.details", "registrations.manage_places",
        "registrations.region",
    },
    "account_link": lambda endpoint: endpoint in {"accounts.accept_invitation", "accounts.reset_password"},
    "company_link": lambda endpoint: endpoint == "company_signup.confirm",
    "public_meeting": lambda endpoint: endpoint in {
        "meetings.detail", "meetings.meeting_ics", "registrations.sign_up", "registrations.already_registered",
        "registrations.validate_field", "registrations.workshop_picker",
    },
    "public_directory": lambda endpoint: endpoint in {"regions.detail", "organisations.detail"},
    # Manage pages under the object's own URL, decided by the domain's policy before any view (core.scope).
    "region_scope": lambda endpoint: endpoint.startswith("region_scope."),
    "organisation_scope": lambda endpoint: endpoint.startswith("organisation_scope."),
    "static": lambda endpoint: endpoint == "static",
}
SCOPED = {"region_scope", "organisation_scope"}
ACTORS = ["visitor", "participant", Role.REGION_COORDINATOR, Role.COMPANY_CONTACT, Role.SCHOOL_CONTACT,
          Role.ORGANISER]
#: Values a hostile form would carry: enough for any of our forms to act if the route let it.
HOSTILE_FORM = {
    "share_with_participants": "y", "password": PASSWORD, "confirm": PASSWORD, "role": "organiser",
    "registration_id": "1", "meeting_id": "1", "user_id": "1", "status": "confirmed", "title": "Overgenomen",
    "subject": "Overgenomen", "body": "Overgenomen", "audience": "all", "capacity": "999",
}


def group_of(endpoint: str) -> str:
    groups = [name for name, matches in GROUPS.items() if matches(endpoint)]
    assert len(groups) == 1, f"{endpoint}: list it in exactly one group of GROUPS (found {groups})"
    return groups[0]


def rules_with_arguments(app):
    return [rule for rule in app.url_map.iter_rules() if rule.arguments and rule.endpoint != "static"]


def test_every_route_with_arguments_is_listed(app):
    rules = rules_with_arguments(app)
    assert len(rules) >= 30
    for rule in rules:
        group_of(rule.endpoint)


def link_in_outbox(pattern: str) -> str:
    body = db.session.scalars(sa.select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc())).first()
    return re.search(pattern, body).group(1)


@pytest.fixture
def world(app, make_meeting, make_user):
    """Somebody else's objects: a registration, a draft meeting with its round and workshop, a mailing, an
    account's invitation and reset links; and the participant's own registration, made over HTTP."""
    organiser_email = make_user(Role.ORGANISER)
    with app.test_request_context():
        session = db.session
        meeting = make_meeting(session, capacity=10, rounds=((5, 5),))
        draft = make_meeting(session, status=MeetingStatus.DRAFT, title="Nog niet gepubliceerd")
        theirs, _ = services.sign_up(session, meeting, signup_data(meeting, "iemand.anders@school.nl"))
        organiser = session.scalar(sa.select(User).where(User.email == organiser_email))
        mailing = Mailing(meeting_id=meeting.id, audience="all", subject="Over de bijeenkomst", body="Tot dan",
                          sent_by_id=organiser.id, sent_by_email=organiser.email)
        session.add(mailing)
        unverified = Organisation(key="KVK-1", kind=OrganisationKind.COMPANY, name="Nog Niet Geverifieerd BV",
                                  place=places.by_label(session, "Zwolle"))
        session.add(unverified)
        region = Region(slug="regio-van-een-ander", name="Regio van een ander")
        session.add(region)
        session.commit()
        invited = accounts.invite(session, "nieuw.regio@stotest.nl", "Nieuwe Regio", Role.REGION_COORDINATOR,
                                  organiser)
        invitation = link_in_outbox(r"/uitnodiging/(\S+)")
        accounts.request_password_reset(session, organiser_email)
        reset = link_in_outbox(r"/wachtwoord-instellen/(\S+)")
        world = SimpleNamespace(
            meeting=SimpleNamespace(id=meeting.id, slug=meeting.slug, rounds=[
                SimpleNamespace(field=f"round_{r.id}", workshops=[w.id for w in r.workshops]) for r in meeting.rounds
            ]),
            draft=SimpleNamespace(id=draft.id, slug=draft.slug, round_id=draft.rounds[0].id,
                                  workshop_id=draft.rounds[0].workshops[0].id),
            theirs=SimpleNamespace(id=theirs.id, public_id=theirs.public_id,
                                   manage=tokens.manage_token(theirs), check_in=tokens.check_in_token(theirs)),
            mailing_id=mailing.id, invitation=invitation, reset=reset, organiser_email=organiser_email,
            user_id=invited.id, unverified_company_id=unverified.id, region_slug=region.slug,
        )
    # The participant signs up over HTTP, so the browser's session knows their own registration too.
    participant = app.test_client()
    url = f"/bijeenkomsten/{world.meeting.slug}/aanmelden"
    response = participant.post(url, data={**form_data(world.meeting, email="mijzelf@school.nl"),
                                           "csrf_token": page_csrf(participant, url)})
    world.own_manage_url = response.headers["Location"]
    world.participant = participant
    return world


def foreign_values(rule, world) -> list[dict]:
    """Argument values pointing at somebody else's object, in every form an attacker could try."""
    group = group_of(rule.endpoint)
    if group == "back_office":
        by_name = {
            "registration_id": world.theirs.id, "meeting_id": world.draft.id, "round_id": world.draft.round_id,
            "workshop_id": world.draft.workshop_id, "mailing_id": world.mailing_id, "token": world.theirs.check_in,
            "user_id": world.user_id, "kind": "csv", "organisation_id": world.unverified_company_id,
        }
        return [{arg: by_name[arg] for arg in rule.arguments}]
    if group == "participant_link":
        own = world.own_manage_url.rsplit("/", 1)[1]
        payload, _, signature = own.partition(".")
        swapped = URLSafeTimedSerializer("x").dumps({"r": world.theirs.public_id}).partition(".")[0]
        forged = URLSafeTimedSerializer("not-our-secret", salt=tokens.MANAGE_SALT).dumps({"r": world.theirs.public_id})
        return [{"token": t} for t in (
            world.theirs.check_in,  # their QR code's token: another purpose
            f"{swapped}.{signature}",  # my own signature on their id
            forged,  # their id signed with a guessed key
            world.theirs.public_id,  # their bare id
            world.invitation,  # somebody's account link
        )]
    if group == "account_link":
        crossed = world.reset if rule.endpoint == "accounts.accept_invitation" else world.invitation
        own = world.own_manage_url.rsplit("/", 1)[1]
        return [{"secret": s} for s in (crossed, own, "A" * 43)]
    if group == "company_link":
        # A company's confirmation link: somebody's manage link, a forged one, a link of the right purpose signed
        # with a guessed key, and nonsense.
        forged = URLSafeTimedSerializer("not-our-secret", salt=companies.SALT).dumps({"name": "Overgenomen BV"})
        return [{"token": t} for t in (world.theirs.manage, forged, world.invitation, "x")]
    if group in SCOPED:
        # Somebody else's region or organisation; as a child, a person who is no member of it (a 404 even for an
        # organiser, who may open the scope itself).
        scope = {"slug": world.region_slug, "organisation_id": world.unverified_company_id, "user_id": world.user_id}
        return [{arg: scope[arg] for arg in rule.arguments}]
    if group == "public_directory":
        # Not public: a company no organiser has verified yet; a region that does not exist.
        return [{arg: {"organisation_id": world.unverified_company_id, "slug": "bestaat-niet"}[arg]
                 for arg in rule.arguments}]
    assert group == "public_meeting"
    return [{arg: {"slug": world.draft.slug, "field": "name"}[arg] for arg in rule.arguments}]


def client_for(app, actor, world):
    if actor == "visitor":
        return app.test_client()
    if actor == "participant":
        return world.participant
    client = app.test_client()
    email = world.organiser_email if actor == Role.ORGANISER else None
    if email is None:
        with app.app_context():
            email = f"{actor.value}@stotest.nl"
            accounts.create_user(db.session, email, "Andere Gebruiker", actor, PASSWORD)
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert response.status_code == 303
    return client


def check(actor, group: str, method: str, url: str, response) -> None:
    code, where = response.status_code, (actor, method, url)
    if group in SCOPED:
        if actor in ("visitor", "participant"):
            assert code in (302, 303) and response.headers["Location"].startswith("/inloggen"), (*where, code)
        elif actor == Role.ORGANISER:
            # Organisers manage every region and organisation, but a child is found only within its scope.
            expected_404 = "/beeindigen" in url
            assert code == 404 if expected_404 else (code < 500 and code != 403), (*where, code)
        else:
            assert code == 403, (*where, code)
    elif group == "back_office":
        if actor in ("visitor", "participant"):
            assert code in (302, 303) and response.headers["Location"].startswith("/inloggen"), (*where, code)
        elif actor == Role.ORGANISER:
            assert code < 500 and code != 403, (*where, code)  # organisers run every meeting
        else:
            assert code == 403, (*where, code)
    else:
        assert code in (400, 404, 410), (*where, code)


def snapshot(app, world) -> dict:
    with app.app_context():
        theirs = db.session.get(Registration, world.theirs.id)
        draft_status = db.session.scalar(sa.text("SELECT status FROM meeting WHERE id = :id"), {"id": world.draft.id})
        return {
            "theirs": (theirs.status, theirs.share_with_participants, theirs.name, theirs.checked_in_at,
                       [c.workshop_id for c in theirs.choices]),
            "draft": draft_status,
            "rounds": db.session.scalar(sa.text("SELECT count(*) FROM workshop_round")),
            "workshops": db.session.scalar(sa.text("SELECT count(*) FROM workshop")),
            "accounts": db.session.execute(
                sa.select(User.email, User.role, User.password_hash, User.auth_version, User.active)
                .where(User.email.in_([world.organiser_email, "nieuw.regio@stotest.nl"])).order_by(User.id)
            ).all(),
            "mails": db.session.scalar(sa.text("SELECT count(*) FROM outbox_message")),
        }


def test_every_role_with_somebody_elses_object(app, world):
    before = snapshot(app, world)
    tried = 0
    for actor in ACTORS:
        client = client_for(app, actor, world)
        headers = {"X-CSRFToken": page_csrf(client, "/")}  # one token per client: it stays valid for its session
        if actor == Role.ORGANISER:
            # Organisers may act on every meeting: everything until now must have left the objects alone.
            assert snapshot(app, world) == before
        for rule in rules_with_arguments(app):
            group = group_of(rule.endpoint)
            for values in foreign_values(rule, world):
                url = rule.build(values)[1]
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    response = client.open(url, method=method, headers=headers,
                                           data=HOSTILE_FORM if method == "POST" else None)
                    check(actor, group, method, url, response)
                    tried += 1
        # The one token was still good at the end, so no refusal above was merely a stale token.
        assert client.post("/taal", data={"lang": "nl"}, headers=headers).status_code == 303, actor
        if actor == "participant":
            assert client.get(world.own_manage_url).status_code == 200  # their own link still works
    assert tried > 6 * 40
    with app.app_context():
        assert db.session.get(Registration, world.theirs.id) is not None


def test_extra_fields_naming_a_role_or_another_owner_are_ignored(app, world):
    # Accepting an invitation with role=organiser and somebody else's ids keeps the invited role.
    link = f"/uitnodiging/{world.invitation}"
    visitor = app.test_client()
    response = visitor.post(link, data={**HOSTILE_FORM, "email": world.organiser_email,
                                        "csrf_token": page_csrf(visitor, link)})
    assert response.status_code == 303
    with app.app_context():
        roles = dict(db.session.execute(sa.select(User.email, User.role)).all())
    assert roles["nieuw.regio@stotest.nl"] == Role.REGION_COORDINATOR
    assert roles[world.organiser_email] == Role.ORGANISER
    # ...and logging in with role=organiser in the form does not open the back office.
    login = {"email": "nieuw.regio@stotest.nl", "password": PASSWORD, "role": "organiser"}
    assert visitor.post("/inloggen", data={**login, "csrf_token": page_csrf(visitor)}).status_code == 303
    assert visitor.get("/beheer/").status_code == 403

    # A participant's consent form with somebody else's registration id changes only their own registration.
    client, url = world.participant, world.own_manage_url
    extra = {"registration_id": str(world.theirs.id), "public_id": world.theirs.public_id, "r": world.theirs.public_id}
    consent = {**extra, "share_with_participants": "y", "csrf_token": page_csrf(client, url)}
    client.post(url + "/toestemming", data=consent)
    client.post(url + "/afmelden", data={**extra, "csrf_token": page_csrf(client, url + "/afmelden")})
    with app.app_context():
        rows = {r.email: r for r in db.session.scalars(sa.select(Registration))}
        assert rows["mijzelf@school.nl"].share_with_participants is True
        assert rows["mijzelf@school.nl"].status == RegistrationStatus.CANCELLED
        assert rows["iemand.anders@school.nl"].share_with_participants is False
        assert rows["iemand.anders@school.nl"].status == RegistrationStatus.CONFIRMED


@pytest.fixture
def members(app, world):
    """Region A with its coordinator, company A and school A with a contact each: the actors' own objects. Region B,
    company B and school B with members of their own: somebody else's objects and children."""
    with app.test_request_context():
        session = db.session
        regions = demo.seed(session)
        def of(region, kind):
            return next(m for m in region.members if m.kind == kind)

        a, b = regions[0], regions[1]
        own = {Role.REGION_COORDINATOR: ("region_scope", a), Role.COMPANY_CONTACT: (
            "organisation_scope", of(a, OrganisationKind.COMPANY)), Role.SCHOOL_CONTACT: (
            "organisation_scope", of(a, OrganisationKind.VMBO_SCHOOL))}
        foreign = {Role.REGION_COORDINATOR: b, Role.COMPANY_CONTACT: of(b, OrganisationKind.COMPANY),
                   Role.SCHOOL_CONTACT: of(b, OrganisationKind.VMBO_SCHOOL)}
        emails, children = {}, {}
        for role, (scope, thing) in own.items():
            for side, target in (("own", thing), ("foreign", foreign[role])):
                email = f"{role.value}.{side}@stotest.nl"
                user = accounts.create_user(session, email, f"{role.value} {side}", role, PASSWORD)
                row = (RegionCoordinator(region_id=target.id, user_id=user.id) if scope == "region_scope" else
                       OrganisationContact(organisation_id=target.id, user_id=user.id))
                session.add(row)
                if side == "own":
                    emails[role] = email
                else:
                    children[scope if scope == "region_scope" else role] = user.id
        session.commit()
        values = {
            # What each actor manages: (scope, URL values); organisers manage region A and company A as their own.
            "own": {role: {scope: _scope_values(scope, thing)} for role, (scope, thing) in own.items()},
            "foreign": {scope: _scope_values(scope, thing) for scope, thing in (
                ("region_scope", b), ("organisation_scope", of(b, OrganisationKind.COMPANY)))},
        }
        values["own"][Role.ORGANISER] = {"region_scope": _scope_values("region_scope", a),
                                         "organisation_scope": _scope_values("organisation_scope", own[
                                             Role.COMPANY_CONTACT][1])}
        # A member of region B / company B: a child that is not found under A's scope.
        values["foreign_child"] = {"region_scope": children["region_scope"],
                                   "organisation_scope": children[Role.COMPANY_CONTACT]}
        emails[Role.ORGANISER] = world.organiser_email
    return SimpleNamespace(emails=emails, **values)


def _scope_values(scope: str, thing) -> dict:
    return {"slug": thing.slug} if scope == "region_scope" else {"organisation_id": thing.id}


def _log_in(app, email):
    client = app.test_client()
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert response.status_code == 303
    return client


def _every_row(app) -> dict:
    with app.app_context():
        return {table.name: db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
                for table in db.metadata.sorted_tables}


def test_scoped_pages_open_for_their_own_object_and_refuse_every_other(app, world, members):
    """Coordinator of region A, contacts of company A and school A, the organiser, a participant and a visitor, each
    against their own and somebody else's region or organisation: their own opens (a blanket 403 fails), somebody
    else's is 403 (a login for those without an account), a child of another scope under their own is a 404, and
    no refusal changes a row."""
    scoped = [rule for rule in rules_with_arguments(app) if group_of(rule.endpoint) in SCOPED]
    assert {rule.endpoint for rule in scoped} >= {
        "region_scope.edit", "region_scope.coordinators", "region_scope.end_coordinator",
        "organisation_scope.edit", "organisation_scope.contacts", "organisation_scope.end_contact"}
    before = _every_row(app)
    opened = refused = 0
    for actor in ACTORS:
        anonymous = actor in ("visitor", "participant")
        client = (app.test_client() if actor == "visitor" else world.participant if anonymous
                  else _log_in(app, members.emails[actor]))
        own = {} if anonymous else members.own[actor]
        token = page_csrf(client, "/")
        for rule in scoped:
            scope = group_of(rule.endpoint)
            ending = "user_id" in rule.arguments
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                tries = []
                if scope in own:
                    if ending:  # somebody of another scope, under my own: not found here
                        tries.append(("child", {**own[scope], "user_id": members.foreign_child[scope]}))
                    elif method == "GET":
                        tries.append(("own", own[scope]))
                if actor != Role.ORGANISER:  # nothing is somebody else's for an organiser
                    foreign = members.foreign[scope]
                    tries.append(("foreign", {**foreign, "user_id": members.foreign_child[scope]} if ending
                                  else foreign))
                for kind, values in tries:
                    url = rule.build(values)[1]
                    response = client.open(url, method=method, headers={"X-CSRFToken": token},
                                           data=HOSTILE_FORM if method == "POST" else None)
                    code, where = response.status_code, (actor, kind, method, url)
                    if kind == "own":
                        assert code == 200, (*where, code)
                        opened += 1
                        continue
                    if anonymous:
                        assert code == 302 and response.headers["Location"].startswith("/inloggen"), (*where, code)
                    else:
                        assert code == (404 if kind == "child" else 403), (*where, code)
                    refused += 1
    assert opened >= 8 and refused >= 30
    after = _every_row(app)
    # Logging in notes the time: the only change the sweep may make.
    before.pop("user_account"), after.pop("user_account")
    assert after == before

    # ...and their own object takes a change.
    changes = {Role.REGION_COORDINATOR: {"lead_board": "Eigen penvoerder", "description": "Eigen tekst"},
               Role.COMPANY_CONTACT: {"website": "https://eigen.example", "offer_kinds": ["stage"]},
               Role.SCHOOL_CONTACT: {"website": "https://school.example", "profiles": ["PIE"]}}
    for actor, data in changes.items():
        [(scope, values)] = members.own[actor].items()
        url = f"/regios/{values['slug']}/beheer/" if scope == "region_scope" else \
            f"/organisaties/{values['organisation_id']}/beheer/"
        client = _log_in(app, members.emails[actor])
        response = client.post(url, data={**data, "csrf_token": page_csrf(client, url)})
        assert response.status_code == 303, (actor, response.status_code)
    with app.app_context():
        assert db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()[-3:] == [
            "region.update", "organisation.update", "organisation.update"]
