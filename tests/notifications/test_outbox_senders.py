"""Two mail senders at once never send the same mail twice (SQLite and PostgreSQL)."""

import threading

import pytest
import sqlalchemy as sa

from sto_events.core.extensions import db
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
    errors, attempted = [], []

    def sender():
        with sender_app.app_context():
            try:
                barrier.wait()
                attempted.append(outbox.run_once(db.session, limit=5))
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
    assert sum(attempted) == 40 and min(attempted) > 0, attempted  # both senders did part of the work
    recipients = sorted(m["to"][0] for m in smtp.inbox.messages)
    assert recipients == sorted(f"p{i}@school.nl" for i in range(40))
    with sender_app.app_context():
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {OutboxStatus.SENT}


def test_a_claim_left_by_a_crashed_sender_is_taken_over(sender_app, smtp):
    from datetime import timedelta

    from sto_events.core.timeutil import utcnow

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


def test_a_slow_mail_server_never_holds_up_a_sign_up(app_factory, make_meeting):
    """On SQLite a writer takes the database's write lock: the sender must not hold it while the mail server is
    slow, or every sign-up would wait for the mail (and give up after DB_LOCK_TIMEOUT_SECONDS)."""
    import asyncio
    import time

    from aiosmtpd.controller import Controller

    from sto_events.meetings.models import Meeting
    from sto_events.registrations import services
    from tests.conftest import free_port
    from tests.registrations.helpers import signup_data

    talking = threading.Event()

    class Slow:
        async def handle_DATA(self, server, session, envelope):
            talking.set()
            await asyncio.sleep(3)
            return "250 OK"

    controller = Controller(Slow(), hostname="127.0.0.1", port=free_port())
    controller.start()
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=10,
                      DB_LOCK_TIMEOUT_SECONDS=1)
    try:
        with app.app_context():
            meeting = make_meeting(db.session)
            services.sign_up(db.session, meeting, signup_data(meeting, "eerste@school.nl"))
            meeting_id = meeting.id

        def send():
            with app.app_context():
                outbox.run_once(db.session)
                db.session.remove()

        sender = threading.Thread(target=send)
        sender.start()
        assert talking.wait(timeout=20)  # the sender is now waiting for the mail server
        with app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            started = time.monotonic()
            registration, created = services.sign_up(db.session, meeting, signup_data(meeting, "tweede@school.nl"))
            waited = time.monotonic() - started
            assert created and waited < 1
        assert sender.is_alive()  # the mail was still on its way during the sign-up
        sender.join(timeout=30)
    finally:
        controller.stop()
    with app.app_context():
        statuses = dict(db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.status)).all())
    assert statuses == {"eerste@school.nl": OutboxStatus.SENT, "tweede@school.nl": OutboxStatus.PENDING}


def test_a_sender_whose_claim_was_taken_over_or_whose_mail_was_dropped_does_nothing(sender_app, smtp):
    with sender_app.app_context():
        for name in ("overgenomen", "verwijderd"):
            outbox.queue(db.session, kind="test", recipient=f"{name}@school.nl", subject=name, body_text="t",
                         body_html="t")
        db.session.commit()
        taken, dropped = outbox.claim_due(db.session, claim="slow-sender")
        # While the slow sender dawdled, its claim ran out and another sender took the first message over...
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == taken).values(claim_id="other"))
        # ...and the second was erased with the registration it belonged to.
        db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id == dropped))
        db.session.commit()
        assert outbox.deliver(db.session, taken, "slow-sender") is None
        assert outbox.deliver(db.session, dropped, "slow-sender") is None
        row = db.session.get(OutboxMessage, taken)
        assert (row.status, row.claim_id, row.attempts) == (OutboxStatus.SENDING, "other", 0)
        assert outbox.deliver(db.session, taken, "other") == OutboxStatus.SENT
    assert [m["to"] for m in smtp.inbox.messages] == [["overgenomen@school.nl"]]  # sent once, by its owner
