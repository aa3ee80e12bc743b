"""The outbox knows no domain: a mail points at its subject as (kind, id) and carries the person's key, so erasure
finds every mail about a person whatever the domain."""

from __future__ import annotations

from datetime import timedelta

import flask_migrate
import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.notifications import outbox
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import privacy, services
from tests.registrations.helpers import signup_data


def _mail(session, recipient, **about):
    return outbox.queue(session, kind="test", recipient=recipient, subject="Onderwerp", body_text="t",
                        body_html="<p>h</p>", **about)


def test_queue_stores_a_generic_subject_and_a_normalised_person_key(app):
    with app.app_context():
        message = _mail(db.session, "Anna@School.nl", about=("buddy_visit", 7), person=" Anna@School.nl ")
        db.session.commit()
        row = db.session.get(OutboxMessage, message.id)
        assert (row.subject_kind, row.subject_id, row.person_key) == ("buddy_visit", 7, "anna@school.nl")
        plain = _mail(db.session, "x@y.nl")
        db.session.commit()
        assert (plain.subject_kind, plain.subject_id, plain.person_key) == (None, None, None)


def test_erasure_drops_mails_about_the_registration_and_the_persons_mails_about_nothing_else(app, make_meeting):
    with app.app_context():
        session = db.session
        first, second = make_meeting(session), make_meeting(session)
        registration, _ = services.sign_up(session, first, signup_data(first, "anna@school.nl"))
        other, _ = services.sign_up(session, second, signup_data(second, "Anna@school.nl"))
        loose = _mail(session, "anna@school.nl", person="ANNA@school.nl")
        stranger = _mail(session, "bob@school.nl", person="bob@school.nl")
        session.commit()
        loose_id, stranger_id, registration_id, other_id = loose.id, stranger.id, registration.id, other.id
        assert len(privacy.export(session, registration)["mails"]) == 2  # its confirmation and the loose mail

        privacy.erase(session, registration)
        left = session.execute(sa.select(OutboxMessage.id, OutboxMessage.subject_id)).all()
        ids = {message_id for message_id, _ in left}
        assert loose_id not in ids and stranger_id in ids
        assert registration_id not in {subject for _, subject in left}
        assert other_id in {subject for _, subject in left}  # the person's other sign-up keeps its mail


def test_migration_turns_registration_ids_into_subjects_with_the_persons_key(app_factory, tmp_path):
    path = tmp_path / "old.sqlite"
    app = app_factory(f"sqlite:///{path}")
    with app.app_context():
        flask_migrate.upgrade(revision="0010_memberships")
        now = utcnow().replace(tzinfo=None)
        db.session.execute(sa.text(
            "INSERT INTO meeting (id, slug, title, description, city, venue, address, starts_at, ends_at,"
            " capacity, taken, status, is_demo, created_at, sequence) VALUES (1, 'm1', 'T', '', 'Zwolle', 'V', '',"
            " :start, :end, 10, 0, 'published', 0, :now, 0)"),
            {"start": now + timedelta(days=9), "end": now + timedelta(days=9, hours=2), "now": now})
        columns = {row[1] for row in db.session.execute(sa.text("PRAGMA table_info(registration)"))}
        values = {"id": 5, "meeting_id": 1, "public_id": "0f0f0f0f-aaaa-bbbb-cccc-000000000005", "name": "Zoë",
                  "email": "Zoe@School.nl", "email_normalized": "zoe@school.nl", "organisation": "S",
                  "role": "vmbo", "locale": "nl", "status": "confirmed", "sequence": 0, "created_at": now,
                  "updated_at": now, "region": "", "share_with_participants": 0, "questions": ""}
        values = {k: v for k, v in values.items() if k in columns}
        db.session.execute(sa.text(f"INSERT INTO registration ({', '.join(values)}) VALUES "
                                   f"({', '.join(':' + k for k in values)})"), values)
        db.session.execute(sa.text(
            "INSERT INTO outbox_message (kind, recipient, subject, body_text, body_html, status, attempts,"
            " next_attempt_at, last_error, created_at, message_key, locale, registration_id) VALUES"
            " ('registration_confirmed', 'Zoe@School.nl', 's', 't', 'h', 'sent', 1, :now, '', :now, 'k1', 'nl', 5),"
            " ('account_invitation', 'c@d.nl', 's', 't', 'h', 'pending', 0, :now, '', :now, 'k2', 'nl', NULL)"),
            {"now": now})
        db.session.commit()
        flask_migrate.upgrade()
        rows = db.session.execute(sa.text(
            "SELECT kind, subject_kind, subject_id, person_key FROM outbox_message ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [("registration_confirmed", "registration", 5, "zoe@school.nl"),
                                            ("account_invitation", None, None, None)]
        columns = {row[1] for row in db.session.execute(sa.text("PRAGMA table_info(outbox_message)"))}
        assert "registration_id" not in columns
