"""Region coordinators as a service: invite (new account or existing), the mail naming the region, end, list,
regions of a person, and the audit trail."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from sto_events.accounts import services as accounts
from sto_events.accounts.models import Role, User
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.notifications.models import OutboxMessage
from sto_events.regions import demo, memberships, policy
from sto_events.regions.models import Region, RegionCoordinator
from tests.conftest import PASSWORD


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        demo.seed(db.session)
        organiser = accounts.create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
        regions = db.session.scalars(sa.select(Region).order_by(Region.name)).all()
        yield db.session, organiser, regions[0], regions[1]


def mails_to(session, email):
    return session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == email)
                           .order_by(OutboxMessage.id)).all()


def test_inviting_a_new_person_creates_the_account_and_mails_a_link_naming_the_region(ctx):
    session, organiser, region, _other = ctx
    memberships.add_coordinator(session, region, " Rik@Regio.NL ", "Rik  Regio", organiser)
    session.commit()
    user = session.scalar(sa.select(User).where(User.email == "rik@regio.nl"))
    assert user.name == "Rik Regio" and user.password_hash is None and user.role == Role.REGION_COORDINATOR
    assert [r.id for r in memberships.regions_of(session, user)] == [region.id]
    (mail,) = mails_to(session, "rik@regio.nl")
    assert region.name in mail.subject and region.name in mail.body_text and region.name in mail.body_html
    assert re.search(r"/uitnodiging/\S+", mail.body_text)
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "region.coordinator.add"))
    assert entry.target_id == region.id and entry.details == "rik@regio.nl" and entry.actor_id == organiser.id


def test_inviting_someone_who_has_an_account_adds_them_and_tells_them(ctx):
    session, organiser, region, other = ctx
    contact = accounts.create_user(session, "carla@bedrijf.nl", "Carla Contact", Role.COMPANY_CONTACT, PASSWORD)
    memberships.add_coordinator(session, other, "carla@bedrijf.nl", "wordt genegeerd", organiser)
    session.commit()
    session.refresh(contact)
    assert contact.role == Role.COMPANY_CONTACT and contact.name == "Carla Contact"  # the account is left alone
    (mail,) = mails_to(session, "carla@bedrijf.nl")
    assert other.name in mail.subject and "/uitnodiging/" not in mail.body_text and "/inloggen" in mail.body_text
    with pytest.raises(memberships.MembershipError) as refused:
        memberships.add_coordinator(session, other, "CARLA@bedrijf.nl", "Carla", organiser)
    assert refused.value.code == "already"


def test_inviting_again_before_acceptance_sends_a_fresh_link_and_keeps_one_row(ctx):
    session, organiser, region, _other = ctx
    memberships.add_coordinator(session, region, "rik@regio.nl", "Rik Regio", organiser)
    memberships.add_coordinator(session, region, "rik@regio.nl", "Rik Regio", organiser)
    session.commit()
    assert len(memberships.coordinators_of(session, region)) == 1
    links = [re.search(r"/uitnodiging/(\S+)", m.body_text).group(1) for m in mails_to(session, "rik@regio.nl")]
    assert len(links) == 2 and links[0] != links[1]


def test_a_switched_off_account_is_refused(ctx):
    session, organiser, region, _other = ctx
    gone = accounts.create_user(session, "weg@regio.nl", "Weg", Role.REGION_COORDINATOR, PASSWORD)
    accounts.set_active(session, gone, False, organiser)
    with pytest.raises(memberships.MembershipError) as refused:
        memberships.add_coordinator(session, region, "weg@regio.nl", "Weg", organiser)
    assert refused.value.code == "inactive"
    session.rollback()
    assert memberships.coordinators_of(session, region) == []


def test_end_is_found_only_within_the_region_and_leaves_the_account(ctx):
    session, organiser, region, other = ctx
    row = memberships.add_coordinator(session, region, "rik@regio.nl", "Rik Regio", organiser)
    memberships.add_coordinator(session, other, "rik@regio.nl", "Rik Regio", organiser)
    session.commit()
    user_id = row.user_id
    assert memberships.coordinator_in(session, region, user_id) is not None
    memberships.end_coordinator(session, memberships.coordinator_in(session, region, user_id), organiser)
    session.commit()
    assert memberships.coordinator_in(session, region, user_id) is None
    assert [r.id for r in memberships.regions_of(session, session.get(User, user_id))] == [other.id]
    assert session.get(User, user_id) is not None
    assert session.scalar(sa.select(AuditEntry.details).where(AuditEntry.action == "region.coordinator.end")) \
        == "rik@regio.nl"


def test_coordinators_are_listed_by_name(ctx):
    session, organiser, region, _other = ctx
    for email, name in [("z@r.nl", "Zoë Zandbergen"), ("a@r.nl", "Anton Aalders")]:
        memberships.add_coordinator(session, region, email, name, organiser)
    session.commit()
    assert [c.user.name for c in memberships.coordinators_of(session, region)] == ["Anton Aalders", "Zoë Zandbergen"]


def test_the_policy_lets_organisers_and_own_coordinators_in(ctx):
    session, organiser, region, other = ctx
    rik = accounts.create_user(session, "rik@regio.nl", "Rik", Role.REGION_COORDINATOR, PASSWORD)
    session.add(RegionCoordinator(region_id=region.id, user_id=rik.id))
    stranger = accounts.create_user(session, "x@regio.nl", "X", Role.REGION_COORDINATOR, PASSWORD)
    session.commit()
    assert policy.can_manage(organiser, region) and policy.can_manage(organiser, other)
    assert policy.can_manage(rik, region) and not policy.can_manage(rik, other)
    assert not policy.can_manage(stranger, region)
    visible = session.scalars(sa.select(Region.id).where(policy.visible_to(rik))).all()
    assert visible == [region.id]
    assert len(session.scalars(sa.select(Region.id).where(policy.visible_to(organiser))).all()) == 12
    assert session.scalars(sa.select(Region.id).where(policy.visible_to(stranger))).all() == []


def test_the_invitation_text_keeps_the_paragraph_before_the_link_apart(ctx):
    """The plain-text mail's 'nodigt u uit' line ends in a tag; the next paragraph must not run on after it."""
    session, organiser, region, _other = ctx
    memberships.add_coordinator(session, region, "rik@regio.nl", "Rik Regio", organiser)
    session.commit()
    (mail,) = mails_to(session, "rik@regio.nl")
    assert "Techniekonderwijs.\n\nKies via deze link" in mail.body_text
