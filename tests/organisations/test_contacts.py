"""Organisation contacts as a service: invite (company or school role), the mail naming the organisation, end,
list, organisations of a person, and the audit trail."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from sto_events.accounts import services as accounts
from sto_events.accounts.models import Role, User
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.notifications.models import OutboxMessage
from sto_events.organisations import memberships, policy
from sto_events.organisations.models import Organisation, OrganisationContact
from sto_events.regions import demo
from tests.conftest import PASSWORD


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        demo.seed(db.session)
        organiser = accounts.create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
        company = db.session.scalar(sa.select(Organisation).where(Organisation.key == "DEMO-01-BEDRIJF1"))
        school = db.session.scalar(sa.select(Organisation).where(Organisation.key == "DEMO-01-VMBO1"))
        yield db.session, organiser, company, school


def test_a_new_company_contact_gets_an_account_and_a_link_naming_the_company(ctx):
    session, organiser, company, _school = ctx
    memberships.add_contact(session, company, "carla@bedrijf.nl", "Carla Contact", organiser)
    session.commit()
    user = session.scalar(sa.select(User).where(User.email == "carla@bedrijf.nl"))
    assert user.role == Role.COMPANY_CONTACT and user.password_hash is None
    assert [o.id for o in memberships.organisations_of(session, user)] == [company.id]
    mail = session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == "carla@bedrijf.nl"))
    assert company.name in mail.subject and company.name in mail.body_text
    assert re.search(r"/uitnodiging/\S+", mail.body_text)
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "organisation.contact.add"))
    assert (entry.target_type, entry.target_id, entry.details) == ("organisation", company.id, "carla@bedrijf.nl")


def test_a_school_contact_gets_the_school_role(ctx):
    session, organiser, _company, school = ctx
    memberships.add_contact(session, school, "sam@school.nl", "Sam School", organiser)
    session.commit()
    assert session.scalar(sa.select(User.role).where(User.email == "sam@school.nl")) == Role.SCHOOL_CONTACT


def test_a_colleague_invited_by_a_contact_and_an_accepted_contact_twice(ctx):
    session, organiser, company, _school = ctx
    carla = accounts.create_user(session, "carla@bedrijf.nl", "Carla", Role.COMPANY_CONTACT, PASSWORD)
    session.add(OrganisationContact(organisation_id=company.id, user_id=carla.id))
    session.commit()
    memberships.add_contact(session, company, "collega@bedrijf.nl", "Collega", carla)
    session.commit()
    row = memberships.contact_in(session, company, session.scalar(
        sa.select(User.id).where(User.email == "collega@bedrijf.nl")))
    assert row.invited_by_id == carla.id
    with pytest.raises(memberships.MembershipError) as refused:
        memberships.add_contact(session, company, "carla@bedrijf.nl", "Carla", organiser)
    assert refused.value.code == "already"


def test_ending_a_contact_keeps_the_account_and_is_audited(ctx):
    session, organiser, company, school = ctx
    memberships.add_contact(session, company, "carla@bedrijf.nl", "Carla", organiser)
    memberships.add_contact(session, school, "carla@bedrijf.nl", "Carla", organiser)
    session.commit()
    user = session.scalar(sa.select(User).where(User.email == "carla@bedrijf.nl"))
    assert memberships.contact_in(session, school, 999999) is None
    memberships.end_contact(session, memberships.contact_in(session, company, user.id), organiser)
    session.commit()
    assert [o.id for o in memberships.organisations_of(session, user)] == [school.id]
    assert [c.user.email for c in memberships.contacts_of(session, company)] == []
    assert session.scalar(sa.select(AuditEntry.target_id).where(AuditEntry.action == "organisation.contact.end")) \
        == company.id


def test_the_policy_lets_organisers_and_own_contacts_in(ctx):
    session, organiser, company, school = ctx
    carla = accounts.create_user(session, "carla@bedrijf.nl", "Carla", Role.COMPANY_CONTACT, PASSWORD)
    session.add(OrganisationContact(organisation_id=company.id, user_id=carla.id))
    session.commit()
    assert policy.can_manage(organiser, school) and policy.can_manage(carla, company)
    assert not policy.can_manage(carla, school)
    assert session.scalars(sa.select(Organisation.id).where(policy.visible_to(carla))).all() == [company.id]
