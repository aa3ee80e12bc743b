"""The outbox's rules one by one: which SMTP answers are retried, how long a retry waits, who owns a claim, and that
one bad message never stops the others. Every mail goes to a real aiosmtpd server that answers with the codes given.

These tests are what `make mutate` relies on for `notifications/outbox.py`: each pins a boundary (a code, a number of
seconds, an owner) that a changed rule would move."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from aiosmtpd.controller import Controller

from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.notifications import outbox
from sto_events.notifications.models import OutboxMessage, OutboxStatus
from tests.conftest import free_port


class Answers:
    """An SMTP server that answers RCPT TO or DATA with the code set for that address, and accepts the rest."""

    def __init__(self):
        self.rcpt: dict[str, str] = {}
        self.data: dict[str, str] = {}
        self.received: list[str] = []
        #: Called while DATA is being answered, that is while the sender waits for the mail server.
        self.during_data = None

    async def handle_RCPT(self, server, session, envelope, address, options):
        answer = self.rcpt.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.during_data:
            self.during_data()
        answer = self.data.get(envelope.rcpt_tos[0])
        if answer:
            return answer
        self.received.extend(envelope.rcpt_tos)
        return "250 OK"


@pytest.fixture
def answers():
    handler = Answers()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def smtp_app(app_factory, answers):
    """An app that mails to the answering server; a retry waits 30 s, doubled after each failure."""

    def make(**overrides):
        settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": answers.port, "MAIL_TIMEOUT": 5,
                    "OUTBOX_BACKOFF_SECONDS": 30, "OUTBOX_MAX_ATTEMPTS": 8}
        settings.update(overrides)
        return app_factory(**settings)

    return make


def add(recipient: str, **values) -> int:
    message = outbox.queue(db.session, kind="test", recipient=recipient, subject=f"Voor {recipient}",
                           body_text="tekst", body_html="<p>tekst</p>")
    db.session.flush()
    for name, value in values.items():
        setattr(message, name, value)
    message_id = message.id
    db.session.commit()  # and no new transaction: on SQLite it would hold the write lock
    return message_id


def row(message_id: int) -> OutboxMessage:
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def deliver_one(message_id: int, claim: str = "sender") -> OutboxStatus | None:
    assert outbox.claim_due(db.session, claim) == [message_id]
    return outbox.deliver(db.session, message_id, claim)


@pytest.mark.parametrize(
    ("stage", "answer", "status"),
    [
        ("rcpt", "450 4.2.1 mailbox busy", OutboxStatus.PENDING),
        ("rcpt", "499 4.0.0 just below the line", OutboxStatus.PENDING),
        ("rcpt", "500 5.0.0 exactly on the line", OutboxStatus.FAILED),
        ("rcpt", "550 5.1.1 no such user", OutboxStatus.FAILED),
        ("data", "451 4.3.0 try again later", OutboxStatus.PENDING),
        ("data", "499 4.0.0 just below the line", OutboxStatus.PENDING),
        ("data", "500 5.0.0 exactly on the line", OutboxStatus.FAILED),
        ("data", "554 5.6.0 message refused", OutboxStatus.FAILED),
    ],
)
def test_a_4xx_answer_is_retried_and_a_5xx_answer_fails_for_good(smtp_app, answers, stage, answer, status):
    app = smtp_app()
    getattr(answers, stage)["p@school.nl"] = answer
    with app.app_context():
        message_id = add("p@school.nl")
        assert deliver_one(message_id) == status
        stored = row(message_id)
        assert (stored.status, stored.attempts, stored.claim_id) == (status, 1, None)
        assert answer.split()[0] in stored.last_error
        if status == OutboxStatus.PENDING:
            assert stored.next_attempt_at > utcnow() + timedelta(seconds=20)  # not due again at once
    assert answers.received == []


def test_a_server_that_cannot_be_reached_is_tried_again_later(smtp_app):
    app = smtp_app(MAIL_PORT=free_port())  # nothing listens there
    with app.app_context():
        message_id = add("p@school.nl")
        assert deliver_one(message_id) == OutboxStatus.PENDING
        assert row(message_id).attempts == 1


def test_a_message_that_cannot_be_built_fails_for_good_and_the_next_is_still_sent(smtp_app, answers, caplog):
    """A QR code holds at most about 2 300 bytes: this message can never be built, so it is not retried."""
    app = smtp_app()
    with app.app_context():
        broken = add("kapot@school.nl", qr_payload="x" * 5000)
        good = add("goed@school.nl")
        with caplog.at_level(logging.WARNING, logger=outbox.__name__):
            assert outbox.run_once(db.session) == 2
        assert (row(broken).status, row(broken).attempts) == (OutboxStatus.FAILED, 1)
        assert row(good).status == OutboxStatus.SENT
    assert answers.received == ["goed@school.nl"]
    assert f"mail {broken} failed for good: DataOverflowError" in caplog.text


def test_a_refused_address_does_not_stop_the_mails_after_it(smtp_app, answers):
    app = smtp_app()
    answers.rcpt["weg@school.nl"] = "550 5.1.1 no such user"
    answers.rcpt["vol@school.nl"] = "452 4.2.2 mailbox full"
    with app.app_context():
        ids = [add(address) for address in ("weg@school.nl", "vol@school.nl", "goed@school.nl")]
        assert outbox.run_once(db.session) == 3
        assert [row(i).status for i in ids] == [OutboxStatus.FAILED, OutboxStatus.PENDING, OutboxStatus.SENT]
    assert answers.received == ["goed@school.nl"]


def test_the_wait_doubles_after_each_failure_and_never_exceeds_six_hours(smtp_app, answers):
    app = smtp_app(OUTBOX_MAX_ATTEMPTS=100)
    answers.rcpt["p@school.nl"] = "450 4.2.1 mailbox busy"
    failures_before = [0, 1, 2, 5, 9, 10, 20]
    with app.app_context():
        ids = [add("p@school.nl", attempts=n) for n in failures_before]
        before = utcnow()
        assert outbox.run_once(db.session) == len(ids)
        after = utcnow()
        waits = []
        for message_id in ids:
            stored = row(message_id)
            assert stored.status == OutboxStatus.PENDING
            low = (stored.next_attempt_at - after).total_seconds()
            high = (stored.next_attempt_at - before).total_seconds()
            waits.append((low, high))
    expected = [30, 60, 120, 960, 15360, 6 * 3600, 6 * 3600]  # 30 s × 2^(failures before), at most six hours
    for (low, high), seconds in zip(waits, expected, strict=True):
        assert low - 1 <= seconds <= high + 1, (waits, expected)


def test_the_last_allowed_attempt_fails_for_good(smtp_app, answers):
    app = smtp_app(OUTBOX_MAX_ATTEMPTS=3)
    answers.rcpt["p@school.nl"] = "450 4.2.1 mailbox busy"
    with app.app_context():
        second = add("p@school.nl", attempts=1)
        third = add("p@school.nl", attempts=2)
        assert outbox.run_once(db.session) == 2
        assert (row(second).status, row(second).attempts) == (OutboxStatus.PENDING, 2)
        assert (row(third).status, row(third).attempts) == (OutboxStatus.FAILED, 3)


def test_a_temporary_failure_is_not_retried_within_the_same_run(smtp_app, answers):
    """Even with no wait at all between attempts, one run tries each message once."""
    app = smtp_app(OUTBOX_BACKOFF_SECONDS=0)
    answers.rcpt["p@school.nl"] = "450 4.2.1 mailbox busy"
    with app.app_context():
        message_id = add("p@school.nl")
        assert outbox.run_once(db.session) == 1
        assert (row(message_id).status, row(message_id).attempts) == (OutboxStatus.PENDING, 1)


def test_a_run_goes_on_past_full_batches_and_a_claim_takes_twenty_at_most(smtp_app, answers):
    app = smtp_app()
    with app.app_context():
        for i in range(21):
            add(f"p{i}@school.nl")
        first = outbox.claim_due(db.session, "eerste")
        assert len(first) == 20
        db.session.execute(sa.update(OutboxMessage).values(status=OutboxStatus.PENDING, claim_id=None))
        db.session.commit()
        assert outbox.run_once(db.session, limit=3) == 21
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {OutboxStatus.SENT}
    assert len(answers.received) == 21


def test_a_mail_that_is_not_due_yet_is_left_alone(smtp_app):
    app = smtp_app()
    with app.app_context():
        later = add("later@school.nl", next_attempt_at=utcnow() + timedelta(seconds=30))
        now = add("nu@school.nl", next_attempt_at=utcnow() - timedelta(seconds=1))
        assert outbox.claim_due(db.session, "sender") == [now]
        assert row(later).status == OutboxStatus.PENDING


def test_a_claim_is_taken_over_only_after_five_minutes(smtp_app, answers):
    app = smtp_app()
    with app.app_context():
        fresh = add("vers@school.nl", status=OutboxStatus.SENDING, claim_id="dood",
                    claimed_at=utcnow() - timedelta(minutes=5) + timedelta(seconds=10))
        stale = add("oud@school.nl", status=OutboxStatus.SENDING, claim_id="dood",
                    claimed_at=utcnow() - timedelta(minutes=5) - timedelta(seconds=10))
        assert outbox.claim_due(db.session, "nieuw") == [stale]
        assert (row(fresh).claim_id, row(stale).claim_id) == ("dood", "nieuw")


@pytest.mark.parametrize("other", ["a-sender", "z-sender"])  # owners that sort before and after ours
def test_only_the_owner_of_a_claim_sends_it(smtp_app, answers, other):
    app = smtp_app()
    with app.app_context():
        message_id = add("p@school.nl")
        assert outbox.claim_due(db.session, "m-sender") == [message_id]
        db.session.execute(sa.update(OutboxMessage).values(claim_id=other))
        db.session.commit()
        assert outbox.deliver(db.session, message_id, "m-sender") is None
        assert (row(message_id).status, row(message_id).attempts) == (OutboxStatus.SENDING, 0)
        assert answers.received == []
        assert outbox.deliver(db.session, message_id, other) == OutboxStatus.SENT
    assert answers.received == ["p@school.nl"]


@pytest.mark.parametrize("other", ["a-sender", "z-sender"])
def test_a_claim_taken_over_while_the_mail_was_on_its_way_records_nothing(smtp_app, answers, other):
    app = smtp_app()
    with app.app_context():
        message_id = add("p@school.nl")
        engine = db.engine

        def take_over():  # another sender, on its own connection, while ours waits for the mail server
            with engine.begin() as conn:
                conn.execute(sa.update(OutboxMessage).values(claim_id=other))

        answers.during_data = take_over
        assert deliver_one(message_id, "m-sender") is None
        stored = row(message_id)
        assert (stored.status, stored.claim_id, stored.attempts, stored.sent_at) == (
            OutboxStatus.SENDING, other, 0, None)


def test_an_error_text_is_kept_up_to_two_thousand_characters(smtp_app, answers):
    app = smtp_app()
    answers.rcpt["p@school.nl"] = "450 " + "x" * 2500
    with app.app_context():
        message_id = add("p@school.nl")
        assert deliver_one(message_id) == OutboxStatus.PENDING
        assert len(row(message_id).last_error) == 2000


def test_a_retry_that_succeeds_clears_the_error(smtp_app, answers):
    app = smtp_app(OUTBOX_BACKOFF_SECONDS=0)
    answers.rcpt["p@school.nl"] = "450 4.2.1 mailbox busy"
    with app.app_context():
        message_id = add("p@school.nl")
        assert deliver_one(message_id) == OutboxStatus.PENDING
        answers.rcpt.clear()
        assert deliver_one(message_id) == OutboxStatus.SENT
        stored = row(message_id)
        assert (stored.attempts, stored.last_error, stored.claim_id) == (2, "", None)
        assert stored.sent_at is not None


@pytest.mark.parametrize(
    ("answer", "logged"),
    [
        ("450 4.2.1 mailbox busy", "not sent (attempt 1): SMTPRecipientsRefused (450)"),
        ("550 5.1.1 no such user", "failed for good: SMTPRecipientsRefused (550)"),
    ],
)
def test_the_log_names_the_error_and_its_code_but_not_the_address(smtp_app, answers, caplog, answer, logged):
    app = smtp_app()
    answers.rcpt["geheim@school.nl"] = answer
    with app.app_context(), caplog.at_level(logging.WARNING, logger=outbox.__name__):
        message_id = add("geheim@school.nl")
        deliver_one(message_id)
    assert f"mail {message_id} {logged}" in caplog.text
    assert "geheim" not in caplog.text


def test_the_log_names_data_refusals_and_socket_errors_by_code(smtp_app, answers, caplog):
    app = smtp_app()
    answers.data["p@school.nl"] = "451 4.3.0 try again later"
    with app.app_context(), caplog.at_level(logging.WARNING, logger=outbox.__name__):
        message_id = add("p@school.nl")
        deliver_one(message_id)
    assert f"mail {message_id} not sent (attempt 1): SMTPDataError (451)" in caplog.text
    unreachable = smtp_app(MAIL_PORT=free_port())
    with unreachable.app_context(), caplog.at_level(logging.WARNING, logger=outbox.__name__):
        message_id = add("p@school.nl")
        deliver_one(message_id)
    assert f"mail {message_id} not sent (attempt 1): ConnectionRefusedError (errno " in caplog.text


@pytest.mark.parametrize(("user", "password"), [("bijeenkomsten", None), (None, "geheim")])
def test_half_a_login_does_not_try_to_log_in(smtp_app, answers, user, password):
    """The test server offers no AUTH: a login attempt would fail the delivery."""
    app = smtp_app(MAIL_USERNAME=user, MAIL_PASSWORD=password)
    with app.app_context():
        assert deliver_one(add("p@school.nl")) == OutboxStatus.SENT


def test_queue_keeps_the_invitation_as_text_and_only_when_there_is_one(app):
    with app.app_context():
        with_ics = outbox.queue(db.session, kind="test", recipient="a@school.nl", subject="Uitnodiging\n  nu",
                                body_text="t", body_html="t", ics=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                                ics_method="REQUEST")
        without = outbox.queue(db.session, kind="test", recipient="b@school.nl", subject="Bericht", body_text="t",
                               body_html="t")
        db.session.commit()
        assert (with_ics.ics, with_ics.subject) == ("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "Uitnodiging nu")
        assert without.ics is None
        assert (without.status, without.attempts) == (OutboxStatus.PENDING, 0)
        assert without.next_attempt_at <= utcnow()


def test_organisers_see_at_most_fifty_failed_mails_newest_first(app):
    with app.app_context():
        ids = [add(f"p{i}@school.nl", status=OutboxStatus.FAILED) for i in range(51)]
        add("wacht@school.nl")
        shown = outbox.failed(db.session)
    assert [m.id for m in shown] == ids[::-1][:50]


def test_the_sender_loop_delivers_until_it_is_stopped_and_outlives_a_missing_table(smtp_app, answers, caplog):
    """On SQLite a missing table is an OperationalError, like a database that went away: the loop waits and goes
    on. An unexpected error is logged and the loop goes on too."""
    app = smtp_app()
    stop = threading.Event()
    with app.app_context():
        add("eerste@school.nl")
        add("kapot@school.nl")
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE outbox_message SET next_attempt_at = '0-kapot' WHERE recipient LIKE 'kapot%'"))
            conn.execute(sa.text("ALTER TABLE outbox_message RENAME TO outbox_weg"))

    def loop():
        with app.app_context():
            outbox.run_forever(db.session, interval=0.05, stop=stop)
            db.session.remove()

    sender = threading.Thread(target=loop, daemon=True)  # a loop that never ends must not keep pytest alive
    with caplog.at_level(logging.WARNING, logger=outbox.__name__):
        sender.start()
        try:
            wait_for(lambda: "database unavailable (OperationalError)" in caplog.text)
            with app.app_context(), db.engine.begin() as conn:
                conn.execute(sa.text("ALTER TABLE outbox_weg RENAME TO outbox_message"))
            wait_for(lambda: answers.received == ["eerste@school.nl"])
            wait_for(lambda: "outbox: unexpected error, retrying" in caplog.text)
            assert sender.is_alive()
        finally:
            stop.set()
            sender.join(timeout=10)
    assert not sender.is_alive()


def wait_for(condition, seconds: float = 10) -> None:
    deadline = utcnow() + timedelta(seconds=seconds)
    while not condition():
        assert utcnow() < deadline, "timed out"
        threading.Event().wait(0.05)


@pytest.mark.postgres
def test_on_postgresql_a_sender_skips_rows_another_sender_holds_instead_of_waiting(pg_app_factory, answers):
    app = pg_app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=answers.port, DB_LOCK_TIMEOUT_SECONDS=2)
    with app.app_context():
        held, free = add("vast@school.nl"), add("vrij@school.nl")
        with db.engine.connect() as other:
            other.execute(sa.select(OutboxMessage.id).where(OutboxMessage.id == held).with_for_update())
            assert outbox.claim_due(db.session, "sender") == [free]
            other.rollback()
        assert outbox.claim_due(db.session, "sender") == [held]


def test_without_a_mail_server_every_mail_gets_its_own_file(app, tmp_path):
    with app.app_context():
        for recipient in ("a@school.nl", "b@school.nl", "c@school.nl"):
            add(recipient)
        assert outbox.run_once(db.session) == 3
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {OutboxStatus.SENT}
    files = sorted((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 3
    assert sorted(b"a@school.nl" in f.read_bytes() for f in files) == [False, False, True]


def test_a_sent_or_failed_mail_is_never_claimed_again(smtp_app, answers):
    app = smtp_app()
    old = utcnow() - timedelta(hours=1)
    with app.app_context():
        for status in (OutboxStatus.SENT, OutboxStatus.FAILED):
            add(f"{status}@school.nl", status=status, claimed_at=old, next_attempt_at=old)
        assert outbox.claim_due(db.session, "sender") == []


def test_mails_about_any_of_several_subjects_or_about_a_person_are_found(app):
    with app.app_context():
        first, second, third = (add(f"r{i}@school.nl") for i in range(3))
        meeting, loose, other = add("m@school.nl"), add("p@school.nl"), add("q@school.nl")
        for message_id, kind, subject_id in ((first, "registration", 1), (second, "registration", 2),
                                             (third, "registration", 3), (meeting, "meeting", 1)):
            db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id)
                               .values(subject_kind=kind, subject_id=subject_id))
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_([loose, second]))
                           .values(person_key="p@school.nl"))
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == other).values(person_key="q@school.nl"))
        db.session.commit()

        def found(**where) -> set[int]:
            return set(db.session.scalars(sa.select(OutboxMessage.id).where(outbox.concerning(**where))))

        assert found(about_ids=("registration", [1, 3])) == {first, third}
        assert found(about_ids=("meeting", [1])) == {meeting}  # not registration 1: another kind of subject
        assert found(about=("registration", 2)) == {second}
        assert found(about=("meeting", 1), person=" P@School.nl ") == {meeting, loose}
        assert found(people=["p@school.nl", "Q@school.nl"]) == {loose, other}
        assert found() == set()


def test_without_a_mail_server_the_mail_folder_and_its_parents_are_made(app_factory, tmp_path):
    app = app_factory(MAIL_FILE_DIR=str(tmp_path / "nieuw" / "post"))
    with app.app_context():
        add("a@school.nl")
        add("b@school.nl")
        assert outbox.run_once(db.session) == 2
        assert set(db.session.scalars(sa.select(OutboxMessage.status))) == {OutboxStatus.SENT}
    assert len(list((tmp_path / "nieuw" / "post").glob("*.eml"))) == 2


@pytest.mark.parametrize("status", [OutboxStatus.SENT, OutboxStatus.FAILED, OutboxStatus.PENDING])
def test_a_mail_whose_status_was_changed_while_on_its_way_is_left_as_it_is(smtp_app, answers, status):
    """The claim is ours only while the row is still being sent: another hand that settled it wins."""
    app = smtp_app()
    with app.app_context():
        message_id = add("p@school.nl")
        engine = db.engine

        def settle():
            with engine.begin() as conn:
                conn.execute(sa.update(OutboxMessage).values(status=status))

        answers.during_data = settle
        assert deliver_one(message_id, "m-sender") is None
        stored = row(message_id)
        assert (stored.status, stored.claim_id, stored.attempts) == (status, "m-sender", 0)


def test_a_mail_is_due_at_its_very_microsecond_and_a_claim_lapses_only_after_the_full_lease(smtp_app):
    app = smtp_app()
    now = datetime(2026, 12, 7, 12, 0, 0, 500_000, tzinfo=UTC)
    tick = timedelta(microseconds=1)
    with app.app_context():
        due = add("nu@school.nl", next_attempt_at=now)
        early = add("straks@school.nl", next_attempt_at=now + tick)
        lapsed = add("oud@school.nl", status=OutboxStatus.SENDING, claim_id="dood",
                     claimed_at=now - outbox.CLAIM_LEASE - tick)
        exact = add("precies@school.nl", status=OutboxStatus.SENDING, claim_id="dood",
                    claimed_at=now - outbox.CLAIM_LEASE)
        with time_machine.travel(now, tick=False):
            assert outbox.claim_due(db.session, "nieuw") == [due, lapsed]
        assert (row(early).status, row(exact).claim_id) == (OutboxStatus.PENDING, "dood")


def test_a_run_claims_twenty_mails_at_a_time(smtp_app, answers):
    """A slow mail server holds at most twenty claimed mails: the rest stay free for another sender."""
    app = smtp_app()
    claimed_while_sending = []
    with app.app_context():
        for i in range(25):
            add(f"p{i}@school.nl")
        engine = db.engine

        def count():
            with engine.connect() as conn:
                claimed_while_sending.append(conn.scalar(sa.select(sa.func.count()).where(
                    OutboxMessage.status == OutboxStatus.SENDING)))

        answers.during_data = count
        assert outbox.run_once(db.session) == 25
    assert claimed_while_sending[0] == 20 and claimed_while_sending[20] == 5


def test_queue_takes_its_texts_by_name_only(app):
    """Recipient, subject and both bodies are all strings: passed by position they could be swapped unseen."""
    with app.app_context(), pytest.raises(TypeError, match="positional"):
        outbox.queue(db.session, "test", "a@school.nl", "Onderwerp", "tekst", "<p>tekst</p>")
