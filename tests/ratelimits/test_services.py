"""The limit counters: exact under concurrency, in the database (SQLite, PostgreSQL) and in a limits storage."""

from __future__ import annotations

import socket
import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from limits.storage import storage_from_string

from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.ratelimits import services
from sto_events.ratelimits.models import LimitEvent
from sto_events.ratelimits.services import Rule

SECRET = "test-secret"


def redis_url() -> str | None:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return "redis://127.0.0.1:6379/0"
    except OSError:
        return None


def take(session, *rules, **kwargs):
    return services.take(session, rules, secret=SECRET, **kwargs)


def test_counts_up_to_the_limit_and_gives_back(session):
    rule = Rule("password-account", "iemand@school.nl", "3 per 15 minutes")
    tickets = [take(session, rule) for _ in range(4)]
    assert [t is not None for t in tickets] == [True, True, True, False]
    services.give_back(session, tickets[0])
    assert take(session, rule) is not None
    assert take(session, rule) is None
    assert take(session, Rule("password-account", "ander@school.nl", "3 per 15 minutes")) is not None


def test_an_attempt_taken_with_the_action_counts_only_when_the_action_is_committed(session):
    rule = Rule("sign-up", "10.0.0.1", "1 per minute")
    assert take(session, rule, commit=False) is not None
    session.rollback()  # the sign-up was not made
    assert take(session, rule, commit=False) is not None
    session.commit()  # this one was
    assert take(session, rule) is None


def test_all_rules_or_none(session):
    client = Rule("password-client", "10.0.0.1", "5 per minute")
    account = Rule("password-account", "iemand@school.nl", "1 per minute")
    assert take(session, client, account) is not None
    assert take(session, client, account) is None  # the account is used up: the client's attempt is not counted
    assert session.scalar(sa.select(sa.func.count()).where(LimitEvent.scope == "password-client")) == 1


def test_moving_windows_and_old_rows_removed(session):
    rule = Rule("sign-up", "10.0.0.1", "2 per minute; 3 per hour")
    start = utcnow() - timedelta(hours=2)
    assert take(session, rule, now=start) and take(session, rule, now=start)
    assert take(session, rule, now=start + timedelta(seconds=30)) is None  # 2 per minute
    later = start + timedelta(minutes=2)
    assert take(session, rule, now=later) is not None
    assert take(session, rule, now=later + timedelta(minutes=2)) is None  # 3 per hour
    # An hour after the first attempts they are gone from the table, not only from the count.
    assert take(session, rule, now=start + timedelta(minutes=61)) is not None
    assert session.scalar(sa.select(sa.func.count()).select_from(LimitEvent)) == 2


def test_no_personal_data_in_clear(session):
    take(session, Rule("password-account", "iemand@school.nl", "5 per minute"),
         Rule("password-client", "192.0.2.7", "5 per minute"))
    stored = session.execute(sa.select(LimitEvent.scope, LimitEvent.key_hash)).all()
    assert {scope for scope, _ in stored} == {"password-account", "password-client"}
    for _, digest in stored:
        assert len(digest) == 64 and "iemand" not in digest and "192.0.2.7" not in digest
    assert services.key_hash("other-secret", "password-account", "iemand@school.nl") not in {d for _, d in stored}


def test_a_bad_limit_setting_stops_the_start(app_factory):
    with pytest.raises(ValueError):
        app_factory(LOGIN_RATE_LIMIT_ACCOUNT="vijf keer")


def _race(make_take, attempts=12):
    """`attempts` threads take at the same moment; returns how many got through."""
    barrier = threading.Barrier(attempts)
    results = []

    def worker():
        barrier.wait()
        results.append(make_take())

    threads = [threading.Thread(target=worker) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(1 for r in results if r is not None)


@pytest.mark.parametrize("db_kind", ["sqlite", "postgresql"])
def test_exact_when_many_take_at_once_in_the_database(request, app_factory, db_kind):
    app = request.getfixturevalue("pg_app") if db_kind == "postgresql" else app_factory()
    rule = Rule("password-account", f"{uuid.uuid4().hex}@school.nl", "5 per 15 minutes")

    def one():
        with app.app_context():
            return take(db.session, rule)

    assert _race(one) == 5
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LimitEvent)) == 5


@pytest.mark.parametrize("uri", ["memory://", "redis"])
def test_exact_when_many_take_at_once_in_a_storage(session, uri):
    if uri == "redis":
        uri = redis_url()
        if uri is None:
            pytest.skip("Redis not reachable on 127.0.0.1:6379")
    storage = storage_from_string(uri)
    rule = Rule("password-account", f"{uuid.uuid4().hex}@school.nl", "5 per 15 minutes")
    assert _race(lambda: take(session, rule, storage=storage)) == 5
    ticket_rule = Rule("sign-up", uuid.uuid4().hex, "1 per minute")
    ticket = take(session, ticket_rule, storage=storage)
    assert take(session, ticket_rule, storage=storage) is None
    services.give_back(session, ticket, storage=storage)
    assert take(session, ticket_rule, storage=storage) is not None
    assert session.scalar(sa.select(sa.func.count()).select_from(LimitEvent)) == 0  # nothing in the database


def test_an_unreachable_storage_falls_back_on_the_database(session):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here
    storage = storage_from_string(f"redis://127.0.0.1:{port}/0")
    rule = Rule("sign-up", "10.0.0.1", "1 per minute")
    ticket = take(session, rule, storage=storage)
    assert ticket is not None and ticket.event_ids
    assert take(session, rule, storage=storage) is None
    services.give_back(session, ticket, storage=storage)
    assert take(session, rule, storage=storage) is not None
