"""One of everything a page can be about, and the URL of every GET route: shared by the accessibility crawl in
Chromium and the response checks without a browser."""

import sqlalchemy as sa

from sto_events.accounts.models import Role, TokenPurpose
from sto_events.accounts.services import _issue_token, create_user
from sto_events.core.extensions import db
from sto_events.meetings.demo import seed
from sto_events.meetings.models import Meeting
from sto_events.organisations import companies
from sto_events.organisations.models import OrganisationContact
from sto_events.regions.demo import seed as seed_regions
from sto_events.regions.models import RegionCoordinator
from sto_events.registrations import attendees, services
from sto_events.registrations.models import Mailing
from sto_events.registrations.tokens import check_in_token, manage_token
from tests.conftest import PASSWORD
from tests.registrations.helpers import signup_data

NOT_HTML = {"meetings.meeting_ics", "meetings.feed", "registrations.invitation", "registrations_manage.export_csv",
            "registrations_manage.export_xlsx", "static", "registrations.validate_field", "registrations.export_data",
            "places.suggestions", "organisations_manage.export"}


def build_site(app):
    """Demo data plus one of everything a page can be about; returns values for every URL argument."""
    with app.app_context():
        session = db.session
        meetings = seed(session)
        meeting = session.get(Meeting, meetings[-1].id)
        organiser = create_user(session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
        people = []
        for i, name in enumerate(["Zoë de Vries", "Łukasz Nowak"]):
            registration, _ = services.sign_up(session, meeting, signup_data(meeting, f"p{i}@school.nl", [0, 1],
                                                                            name=name, questions="Hoe?"))
            people.append(registration)
        attendees.send_mailing(session, meeting, "all", "Welkom", "Tot dan!", organiser)
        invited = create_user(session, "rik@regio.nl", "Rik Regio", Role.REGION_COORDINATOR)
        secret = _issue_token(session, invited, TokenPurpose.INVITATION)
        reset = _issue_token(session, organiser, TokenPurpose.PASSWORD_RESET)
        regions = seed_regions(session)
        # Members, so the manage pages show their tables of coordinators and contacts.
        session.add(RegionCoordinator(region_id=regions[0].id, user_id=invited.id))
        public_member = next(m for m in regions[0].members if m.is_public)
        session.add(OrganisationContact(organisation_id=public_member.id, user_id=invited.id))
        session.commit()
        company_link = companies.link_token(companies.Application(
            "Voorbeeld Lasbedrijf", regions[0].members[0].place_id, "https://las.example", (regions[0].id,),
            ("stage",), "Anouk de Las", "anouk@las.example"))
        return {
            ("regions", "slug"): regions[0].slug,
            ("region_scope", "slug"): regions[0].slug,
            ("organisations_manage", "kind"): "csv",
            # The confirmation pages that end a membership: Rik is a coordinator and a contact of those two.
            "user_id": invited.id,
            "organisation_id": public_member.id,
            "slug": meeting.slug,
            "meeting_id": meeting.id,
            "registration_id": people[0].id,
            "workshop_id": meeting.rounds[0].workshops[0].id,
            "round_id": meeting.rounds[0].id,
            "mailing_id": session.scalar(sa.select(Mailing.id)),
            ("registrations", "token"): manage_token(people[0]),
            ("registrations_manage", "token"): check_in_token(people[0]),
            ("accounts.accept_invitation", "secret"): secret,
            ("accounts.reset_password", "secret"): reset,
            ("company_signup.confirm", "token"): company_link,
        }


def get_routes(app, values):
    """(endpoint, url) for every GET route but static files, with the values of build_site for its arguments."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            arguments = {}
            for name in rule.arguments:
                arguments[name] = (values.get((rule.endpoint, name)) or values.get((rule.endpoint.split(".")[0], name))
                                   or values[name])
            routes.append((rule.endpoint, app.url_for(rule.endpoint, **arguments)))
    return sorted(routes)


def is_back_office(endpoint: str) -> bool:
    """The back office: its shell and every domain's management blueprint (`<domain>_manage`)."""
    blueprint = endpoint.split(".")[0]
    return blueprint == "backoffice" or blueprint.endswith("_manage")


#: Blueprints scoped to one object (core.scope): a login and the right to manage that object.
SCOPES = {"region_scope", "organisation_scope"}


def is_scoped(endpoint: str) -> bool:
    """A manage page under an object's own URL (/regios/<slug>/beheer, /organisaties/<id>/beheer)."""
    return endpoint.split(".")[0] in SCOPES


def html_pages(app, values):
    """(needs login, url) for every GET route that answers with an HTML page."""
    return [(is_back_office(endpoint) or is_scoped(endpoint), url)
            for endpoint, url in get_routes(app, values) if endpoint not in NOT_HTML]
