"""Rules of accounts/services.py that mutation testing (`make mutate`) found unpinned: each test here failed for a
changed rule that the other tests let through."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from argon2 import PasswordHasher

from sto_events.accounts import services
from sto_events.accounts.models import AccountToken, Role, TokenPurpose
from sto_events.core.timeutil import utcnow

#: A link secret nobody was given, whose hash sorts below every real one ("000..."): a lookup that compared
#: hashes with anything but equality would find somebody else's token with it.
LOWEST_HASH_SECRET = "geen-geldige-link-1631"


@pytest.mark.parametrize(("purpose", "lifetime"), [(TokenPurpose.INVITATION, timedelta(days=7)),
                                                    (TokenPurpose.PASSWORD_RESET, timedelta(hours=2))])
def test_an_invitation_lasts_a_week_and_a_reset_link_two_hours(session, purpose, lifetime):
    user = services.create_user(session, "lid@school.nl", "Lid", Role.REGION_COORDINATOR)
    issued = utcnow()
    with time_machine.travel(issued, tick=False):
        secret = services._issue_token(session, user, purpose)
        session.commit()
    with time_machine.travel(issued + lifetime - timedelta(minutes=1), tick=False):
        assert services.token_user(session, secret, purpose).user_id == user.id
    with time_machine.travel(issued + lifetime, tick=False):  # its last moment still counts
        assert services.token_user(session, secret, purpose).user_id == user.id
    with time_machine.travel(issued + lifetime + timedelta(minutes=1), tick=False):
        with pytest.raises(services.AccountError, match="expired_token"):
            services.token_user(session, secret, purpose)


def test_a_link_secret_finds_only_its_own_token(session):
    assert hashlib.sha256(LOWEST_HASH_SECRET.encode()).hexdigest().startswith("000")
    for number in range(3):
        user = services.create_user(session, f"lid{number}@school.nl", "Lid", Role.REGION_COORDINATOR)
        services._issue_token(session, user, TokenPurpose.INVITATION)
    session.commit()
    assert session.scalar(sa.select(sa.func.count()).select_from(AccountToken)) == 3
    with pytest.raises(services.AccountError, match="invalid_token"):
        services.token_user(session, LOWEST_HASH_SECRET, TokenPurpose.INVITATION)


@pytest.mark.parametrize("cookie_id", ["abc:1", "1:abc", ":", "", "1", "x:y", "１:1", "1:²", "1:1:1", " 1:1",
                                       "9" * 40 + ":1"])
def test_a_malformed_session_id_loads_nobody_and_raises_nothing(session, cookie_id):
    user = services.create_user(session, "lid@school.nl", "Lid", Role.REGION_COORDINATOR, "een-goed-wachtwoord")
    session.commit()
    assert services.load_user(session, user.get_id()).id == user.id
    assert services.load_user(session, cookie_id) is None


def test_opening_an_account_refuses_an_address_that_has_one(session):
    user, secret = services.open_account(session, "Nieuw@Bedrijf.nl ", "Nina Nieuw", Role.COMPANY_CONTACT)
    assert (user.email, user.password_hash) == ("nieuw@bedrijf.nl", None) and secret
    with pytest.raises(services.AccountError, match="exists"):
        services.open_account(session, "nieuw@bedrijf.nl", "Nog een keer", Role.COMPANY_CONTACT)


def test_passwords_are_hashed_with_the_recommended_argon2id_cost_unless_the_environment_says_otherwise():
    """The test suite swaps in a cheap hasher, so the real default is read in a fresh interpreter: RFC 9106's second
    recommended setting (t=3, m=64 MiB), and what the environment asks for a small server."""
    script = ("from sto_events.accounts import services as s; "
              "print(s._hasher.time_cost, s._hasher.memory_cost, s._DUMMY_HASH.split('$')[3])")
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PASSWORD_HASH_")}

    def read(**extra) -> str:
        return subprocess.run([sys.executable, "-c", script], env={**environment, **extra}, check=True,
                              capture_output=True, text=True).stdout.strip()

    assert read() == "3 65536 m=65536,t=3,p=4"
    assert read(PASSWORD_HASH_TIME_COST="2", PASSWORD_HASH_MEMORY_KIB="19456") == "2 19456 m=19456,t=2,p=4"


def test_a_password_of_exactly_the_minimum_length_is_accepted(session):
    assert services.hash_password("x" * services.MIN_PASSWORD_LENGTH)
    with pytest.raises(services.AccountError, match="password_too_short"):
        services.hash_password("x" * (services.MIN_PASSWORD_LENGTH - 1))


def test_a_password_change_ends_only_that_accounts_open_links(session):
    changing = services.create_user(session, "wijzigt@school.nl", "Wijzigt", Role.REGION_COORDINATOR,
                                     "een-goed-wachtwoord")
    other = services.create_user(session, "ander@school.nl", "Ander", Role.REGION_COORDINATOR)  # a higher id
    own_link = services._issue_token(session, changing, TokenPurpose.PASSWORD_RESET)
    other_link = services._issue_token(session, other, TokenPurpose.INVITATION)
    session.commit()
    services.change_password(session, changing, "een-goed-wachtwoord", "een-nieuw-wachtwoord")
    with pytest.raises(services.AccountError, match="invalid_token"):
        services.token_user(session, own_link, TokenPurpose.PASSWORD_RESET)
    assert services.token_user(session, other_link, TokenPurpose.INVITATION).user_id == other.id


def test_a_hash_made_with_older_settings_is_renewed_at_login_and_a_current_one_is_left(session):
    user = services.create_user(session, "lid@school.nl", "Lid", Role.REGION_COORDINATOR)
    user.password_hash = PasswordHasher(time_cost=1, memory_cost=512).hash("een-goed-wachtwoord")
    session.commit()
    assert services.authenticate(session, "lid@school.nl", "een-goed-wachtwoord").id == user.id
    renewed = user.password_hash
    assert "m=512" not in renewed and not services._hasher.check_needs_rehash(renewed)
    assert services.authenticate(session, "lid@school.nl", "een-goed-wachtwoord").id == user.id
    assert user.password_hash == renewed  # a current hash is not made again at every login


def test_a_reset_link_is_no_invitation_and_an_invitation_no_reset_link(session):
    user = services.create_user(session, "lid@school.nl", "Lid", Role.REGION_COORDINATOR)
    reset = services._issue_token(session, user, TokenPurpose.PASSWORD_RESET)
    invitation = services._issue_token(session, user, TokenPurpose.INVITATION)
    session.commit()
    for secret, other_purpose in ((reset, TokenPurpose.INVITATION), (invitation, TokenPurpose.PASSWORD_RESET)):
        with pytest.raises(services.AccountError, match="invalid_token"):
            services.token_user(session, secret, other_purpose)


def test_accepting_one_invitation_leaves_the_others_open(session):
    first = services.create_user(session, "eerste@school.nl", "Eerste", Role.REGION_COORDINATOR)
    second = services.create_user(session, "tweede@school.nl", "Tweede", Role.REGION_COORDINATOR)
    first_link = services._issue_token(session, first, TokenPurpose.INVITATION)
    second_link = services._issue_token(session, second, TokenPurpose.INVITATION)  # a higher token id
    session.commit()
    assert services.redeem(session, first_link, TokenPurpose.INVITATION, "een-goed-wachtwoord").id == first.id
    assert services.redeem(session, second_link, TokenPurpose.INVITATION, "een-ander-wachtwoord").id == second.id


def test_an_account_logs_in_again_after_any_number_of_logouts(session):
    """Each logout moves the version on; the new version must still read as one in a session id."""
    user = services.create_user(session, "lid@school.nl", "Lid", Role.REGION_COORDINATOR, "een-goed-wachtwoord")
    session.commit()
    seen = {user.get_id()}
    for _ in range(3):
        services.end_sessions(session, user)
        session.refresh(user)
        assert user.get_id() not in seen and services.load_user(session, user.get_id()).id == user.id
        seen.add(user.get_id())
