"""`make run` prints one demo login per kind of user in development, and makes none in production mode."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sto_events.accounts.models import Role, User
from sto_events.core.extensions import db
from sto_events.demo import DEMO_PASSWORD, ProductionRefused, seed_accounts
from sto_events.organisations.models import OrganisationContact
from sto_events.regions.models import Region, RegionCoordinator
from tests.conftest import page_csrf


def test_seed_demo_prints_a_login_per_kind_of_user_that_works(app, runner, client):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert f"password {DEMO_PASSWORD!r}" in result.output
    emails = [line.split()[1] for line in result.output.splitlines() if "@voorbeeld.example.org" in line]
    assert len(emails) == 4
    with app.app_context():
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        assert {users[e].role for e in emails} == {
            Role.ORGANISER, Role.REGION_COORDINATOR, Role.COMPANY_CONTACT, Role.SCHOOL_CONTACT}
        zwolle = db.session.scalar(sa.select(Region).where(Region.slug == "zwolle"))
        coordinators = db.session.scalars(sa.select(RegionCoordinator.user_id)).all()
        assert coordinators == [users["coordinator@voorbeeld.example.org"].id]
        assert db.session.get(RegionCoordinator, (zwolle.id, coordinators[0])) is not None
        contacts = db.session.scalars(sa.select(OrganisationContact)).all()
        assert sorted(c.organisation.kind for c in contacts) == ["company", "vmbo_school"]
        assert all(c.organisation.is_demo for c in contacts)
    for email in emails:
        response = client.post("/inloggen", data={"email": email, "password": DEMO_PASSWORD,
                                                  "csrf_token": page_csrf(client)})
        assert response.status_code == 303, email
        client.post("/uitloggen", data={"csrf_token": page_csrf(client)})


def test_seeding_again_adds_no_second_account_or_membership(app, runner):
    runner.invoke(args=["seed-demo", "--if-empty"])
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.output.count("@voorbeeld.example.org") == 4
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 4
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegionCoordinator)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OrganisationContact)) == 2


@pytest.mark.parametrize("app", [{"ENV_NAME": "production", "SECRET_KEY": "a-real-secret-" * 3}], indirect=True)
def test_production_mode_makes_no_demo_account(app, runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "voorbeeld.example.org" not in result.output and "password" not in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
        with pytest.raises(ProductionRefused):
            seed_accounts(db.session, "production")
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0
