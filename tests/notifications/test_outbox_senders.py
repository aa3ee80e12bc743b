"""Two mail senders at once never send the same mail twice (SQLite and PostgreSQL)."""

import threading

import pytest
import sqlalchemy as sa

from sto_events.extensions import db
from sto_events.notifications import outbox
from sto_events.notifications.models import OutboxMessage, OutboxStatus


@pytest.fixture(params=["sqlite", "postgresql"])
def sender_app(request, app_factory, smtp):
    if request.param == "postgresql":
        return request.getfixturevalue("pg_app_factory")(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    return app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)


def test_two_senders_share_the_work_without_duplicates(sender_app, smtp):
    with sender_app.app_context():
        for i in range(40):
            outbox.queue(
                db.session, kind="test", recipient=f"p{i}@school.nl", subject=f"Bericht {i}",
                body_text="tekst", body_html="<p>tekst</p>",
            )
        db.session.commit()

    barrier = threading.Barrier(2)
    errors = []

    def sender():
        with sender_app.app_context():
            try:
                barrier.wait()
                outbox.run_once(db.session, limit=5)
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    recipients = sorted(m["to"][0] for m in smtp.inbox.messages)
    assert recipients == sorted(f"p{i}@school.nl" for i in range(40))
    with sender_app.app_context():
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {OutboxStatus.SENT}


def test_a_claim_left_by_a_crashed_sender_is_taken_over(sender_app, smtp):
    from datetime import timedelta

    from sto_events.timeutil import utcnow

    with sender_app.app_context():
        message = outbox.queue(
            db.session, kind="test", recipient="late@school.nl", subject="Laat", body_text="t", body_html="t"
        )
        db.session.flush()
        message.status = OutboxStatus.SENDING
        message.claimed_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert outbox.run_once(db.session) == 0  # a fresh claim is left alone
        message.claimed_at = utcnow() - outbox.CLAIM_LEASE - timedelta(seconds=1)
        db.session.commit()
        assert outbox.run_once(db.session) == 1
    assert [m["to"] for m in smtp.inbox.messages] == [["late@school.nl"]]
