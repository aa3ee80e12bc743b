"""Queue mails in the outbox and deliver them over SMTP (or to .eml files) with retries and back-off."""

from __future__ import annotations

import copy
import email.policy
import io
import logging
import secrets
import smtplib
import threading
from datetime import timedelta
from email import quoprimime
from email.message import EmailMessage, MIMEPart
from email.utils import formatdate
from pathlib import Path

import segno
import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext
from flask_mail import Connection
from sqlalchemy.orm import Session

from ..core.timeutil import utcnow
from . import sender
from .models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

#: A claim older than this is taken to be from a sender that died mid-delivery.
CLAIM_LEASE = timedelta(minutes=5)


def queue(
    session: Session,
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str,
    about: tuple[str, int] | None = None,
    person: str | None = None,
    ics: bytes | None = None,
    ics_method: str | None = None,
    qr_payload: str | None = None,
    mailing_id: int | None = None,
    locale: str = "nl",
) -> OutboxMessage:
    """Add a mail to the outbox in the caller's transaction; it is sent only if that transaction commits.

    This is the one function every domain queues its mail through. `about` names the mail's subject as
    (kind, id), such as ("registration", 12); `person` is the e-mail address of the person the mail is about
    (stored normalised), so an erasure finds every mail about them whatever the domain."""
    subject_kind, subject_id = about if about else (None, None)
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        subject=" ".join(subject.split()),
        body_text=body_text,
        body_html=body_html,
        subject_kind=subject_kind,
        subject_id=subject_id,
        person_key=person_key(person) if person else None,
        ics=ics.decode("utf-8") if ics else None,
        ics_method=ics_method,
        qr_payload=qr_payload,
        mailing_id=mailing_id,
        locale=locale,
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    return message


def person_key(email: str) -> str:
    """How a person's address is stored with their mails: trimmed and in lower case."""
    return email.strip().lower()


def concerning(*, about: tuple[str, int] | None = None, about_ids: tuple[str, list[int]] | None = None,
               person: str | None = None, people: list[str] | None = None):
    """A WHERE clause for the mails about a subject (kind, id), any of several subjects (kind, [ids]), or a person
    (or several).

    With both a subject and a person, mails about that subject and the person's mails about no subject match: a
    person's mails about another subject (their other sign-up, say) belong to that subject."""
    clauses = []
    if about:
        clauses.append(sa.and_(OutboxMessage.subject_kind == about[0], OutboxMessage.subject_id == about[1]))
    if about_ids:
        clauses.append(sa.and_(OutboxMessage.subject_kind == about_ids[0], OutboxMessage.subject_id.in_(about_ids[1])))
    if person:
        people = [*(people or ()), person]
    if people:
        clauses.append(sa.and_(OutboxMessage.person_key.in_(sorted({person_key(p) for p in people})),
                               OutboxMessage.subject_kind.is_(None)))
    return sa.or_(*clauses) if clauses else sa.false()


class _TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout, so a stalled server cannot hang the sender.

    Server settings are read from the config at each delivery, so a changed setting needs no restart.
    """

    def configure_host(self):
        config = current_app.config
        cls = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
        host = cls(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
        if config.get("MAIL_USE_TLS"):
            host.starttls()
        if config.get("MAIL_USERNAME") and config.get("MAIL_PASSWORD"):
            host.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        return host


def attachment_names(locale: str) -> dict[str, str]:
    """File names of the attachments, in the mail's language."""
    with force_locale(locale):
        return {"REQUEST": gettext("uitnodiging.ics"), "CANCEL": gettext("afmelding.ics"),
                "qr": gettext("inchecken.png")}


MAIL_POLICY = email.policy.SMTP

#: How the HTML body refers to the check-in QR code; the sender replaces it with the image's unique Content-ID.
QR_PLACEHOLDER = "cid:checkin-qr"


def build_message(row: OutboxMessage) -> EmailMessage:
    """The mail as RFC 5322 / MIME, built with the standard library (Flask-Mail builds only flat trees):

    multipart/mixed
      multipart/related
        multipart/alternative: text/plain, text/html, text/calendar; method=REQUEST|CANCEL
        image/png (the check-in QR code, inline, referred to by cid: from the HTML)
      application/ics (the same calendar as an attachment, for programs that do not read the inline part)

    A layer with only one part is left out, so a mail without calendar and QR code is a multipart/alternative.
    Outlook and Gmail show a meeting request (with accept buttons) for the text/calendar inside the alternative.
    """
    domain = sender.domain()
    names = attachment_names(row.locale or "nl")
    qr_cid = f"checkin-qr.{row.message_key}@{domain}"
    method = (row.ics_method or "REQUEST") if row.ics else None
    body = MIMEPart(policy=MAIL_POLICY)
    body.set_content(row.body_text)
    body.add_alternative(row.body_html.replace(QR_PLACEHOLDER, f"cid:{qr_cid}"), subtype="html")
    if method:
        body.add_alternative(row.ics, subtype="calendar", params={"method": method})
    if row.qr_payload:
        png = io.BytesIO()
        segno.make(row.qr_payload, error="m").save(png, kind="png", scale=6, border=2)
        image = MIMEPart(policy=MAIL_POLICY)
        image.set_content(png.getvalue(), maintype="image", subtype="png", cid=f"<{qr_cid}>",
                          disposition="inline", filename=names["qr"], params={"name": names["qr"]})
        body = _multipart('related; type="multipart/alternative"', body, image)
    if method:
        ics = MIMEPart(policy=MAIL_POLICY)
        filename = names.get(method, names["REQUEST"])
        ics.set_content(row.ics.encode("utf-8"), maintype="application", subtype="ics",
                        disposition="attachment", filename=filename, params={"name": filename})
        body = _multipart("mixed", body, ics)
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = row.subject
    msg["From"] = sender.from_header()
    msg["To"] = row.recipient
    msg["Date"] = formatdate(usegmt=True)
    # Random per mail and kept with it: the same for each retry, never the same as any other mail's.
    msg["Message-ID"] = f"<{row.message_key}@{domain}>"
    msg["MIME-Version"] = "1.0"
    msg["Content-Type"] = body["Content-Type"]
    msg.set_payload(body.get_payload())
    return msg


def _multipart(subtype: str, *parts: MIMEPart) -> MIMEPart:
    container = MIMEPart(policy=MAIL_POLICY)
    container["Content-Type"] = f"multipart/{subtype}"
    for part in parts:
        container.attach(part)
    return container


def _transmit(msg: EmailMessage) -> None:
    """Send over SMTP (8-bit text announced with BODY=8BITMIME, or re-encoded to 7 bits for a server that does not
    offer it), or save as an .eml file when no server is set."""
    config = current_app.config
    data = msg.as_bytes()
    if config["MAIL_SERVER"]:
        recipients = [address.addr_spec for address in msg["To"].addresses]
        with _TimeoutConnection(current_app.extensions["mail"]) as conn:
            conn.host.ehlo_or_helo_if_needed()
            options = []
            if not data.isascii():
                if conn.host.has_extn("8bitmime"):
                    options.append("BODY=8BITMIME")
                else:
                    data = _seven_bit(msg).as_bytes()
            conn.host.sendmail(sender.address(), recipients, data, mail_options=options)
        return
    directory = Path(config["MAIL_FILE_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{msg['Message-ID'].strip('<>').partition('@')[0]}.eml"
    path.write_bytes(data)
    log.info("mail saved to %s", path)


def _seven_bit(msg: EmailMessage) -> EmailMessage:
    """A copy whose 8-bit parts are quoted-printable, for a server that does not take 8-bit data."""
    msg = copy.deepcopy(msg)
    for part in msg.walk():
        if not part.is_multipart() and part.get("Content-Transfer-Encoding", "").lower() == "8bit":
            data = part.get_payload(decode=True)
            part.set_payload(quoprimime.body_encode(data.decode("latin-1")))
            part.replace_header("Content-Transfer-Encoding", "quoted-printable")
    return msg


def _summary(exc: Exception) -> str:
    """What the log may say about a failed delivery: the kind of error and the SMTP codes, never the addresses the
    server quoted back (the whole text is kept with the message, for organisers)."""
    codes = []
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
    elif isinstance(exc, smtplib.SMTPResponseException):
        codes = [exc.smtp_code]
    elif isinstance(exc, OSError) and exc.errno:
        codes = [f"errno {exc.errno}"]
    return type(exc).__name__ + (f" ({', '.join(map(str, codes))})" if codes else "")


def _is_permanent(exc: Exception) -> bool:
    if not isinstance(exc, (smtplib.SMTPException, OSError)):
        return True  # the message itself cannot be built or encoded: retrying will not help
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def claim_due(session: Session, claim: str, limit: int = 20) -> list[int]:
    """Claim up to `limit` due messages for the sender named `claim`; a row is claimed by one sender only."""
    now = utcnow()
    due = sa.or_(
        sa.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now),
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - CLAIM_LEASE),
    )
    query = sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for message_id in session.scalars(query).all():
        result = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id, due)
            .values(status=OutboxStatus.SENDING, claimed_at=now, claim_id=claim)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    session.commit()
    return claimed


def _ours(message_id: int, claim: str):
    """The row, as long as it is still claimed by this sender (not taken over, not dropped by an erasure)."""
    return [OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claim_id == claim]


def deliver(session: Session, message_id: int, claim: str) -> OutboxStatus | None:
    """Send one claimed message and record the outcome: sent, retried later, or failed for good.

    The claim is renewed just before sending and checked again when the outcome is written: a sender whose claim
    ran out (and was taken over), or whose message was dropped meanwhile, sends nothing and writes nothing
    (None). No transaction is open while the mail server is spoken to: on SQLite a writer holds the database's
    write lock, and a slow mail server must never make a sign-up wait."""
    renewed = session.execute(
        sa.update(OutboxMessage).where(*_ours(message_id, claim)).values(claimed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    # Rows are read afresh: claim_due (and every earlier delivery) committed, which expired them.
    row = session.get(OutboxMessage, message_id) if renewed.rowcount == 1 else None
    if row is None:
        session.rollback()
        return None
    error = None
    try:
        msg = build_message(row)
    except Exception as exc:  # noqa: BLE001 - one bad message must never stop the others
        error = exc
    session.commit()
    if error is None:
        try:
            _transmit(msg)
        except Exception as exc:  # noqa: BLE001 - one bad message must never stop the others
            error = exc
    # The commit above expired every loaded row, so this reads what the database holds now.
    row = session.scalar(sa.select(OutboxMessage).where(*_ours(message_id, claim)))
    if row is None:
        session.rollback()
        log.warning("mail %s: dropped or taken over while it was being sent", message_id)
        return None
    values = {"attempts": row.attempts + 1, "claim_id": None}
    if error is None:
        values.update(status=OutboxStatus.SENT, sent_at=utcnow(), last_error="")
    else:
        values["last_error"] = f"{type(error).__name__}: {error}"[:2000]
        if _is_permanent(error) or values["attempts"] >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            values["status"] = OutboxStatus.FAILED
            log.error("mail %s failed for good: %s", message_id, _summary(error))
        else:
            backoff = current_app.config["OUTBOX_BACKOFF_SECONDS"] * 2 ** (values["attempts"] - 1)
            values.update(status=OutboxStatus.PENDING,
                          next_attempt_at=utcnow() + timedelta(seconds=min(backoff, 6 * 3600)))
            log.warning("mail %s not sent (attempt %s): %s", message_id, values["attempts"], _summary(error))
    recorded = session.execute(
        sa.update(OutboxMessage).where(*_ours(message_id, claim)).values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return values["status"] if recorded.rowcount == 1 else None


def run_once(session: Session, limit: int = 20) -> int:
    """Deliver every message that is due now; returns how many were attempted."""
    attempted = 0
    claim = secrets.token_hex(8)
    while ids := claim_due(session, claim, limit):
        for message_id in ids:
            deliver(session, message_id, claim)
            attempted += 1
        if len(ids) < limit:
            break
    return attempted


def run_forever(session: Session, interval: float, stop: threading.Event | None = None) -> None:
    """The sender loop beside the web process; it outlives a database that goes away and comes back.

    `stop` ends the loop (the CLI runs until it is killed)."""
    stop = stop or threading.Event()
    log.info("outbox sender started")
    while not stop.is_set():
        try:
            run_once(session)
        except sa.exc.OperationalError as exc:
            session.rollback()
            log.warning("outbox: database unavailable (%s), retrying", exc.__class__.__name__)
        except Exception:  # noqa: BLE001 - the sender keeps running; the error is logged with its traceback
            session.rollback()
            log.exception("outbox: unexpected error, retrying")
        session.close()  # hold no transaction, and so no lock, while waiting
        stop.wait(interval)


def failed(session: Session, limit: int = 50) -> list[OutboxMessage]:
    """Mails that could not be delivered for good, newest first: organisers see them in the back office."""
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.FAILED)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
    )
