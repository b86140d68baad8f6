"""Email through the outbox: queued in the same transaction as the change that causes it,
delivered later by `deliver_due` (the `flask send-mail` worker, or at once in development), so a
failing mail server never loses a booking or breaks a form."""

import json
import smtplib
from datetime import UTC, datetime, timedelta
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app

from ... import ics
from ...extensions import db
from ...models import OutboxMessage
from ...models.enums import OutboxStatus
from .filling import render
from .invitations import invitation_for
from .kinds import KINDS, mail_kind

LEASE = timedelta(minutes=5)
MAX_BACKOFF = timedelta(hours=6)


class MailError(Exception):
    """Delivery of one message failed; it will be retried."""


def queue_email(*, to, subject, body, kind, dedupe_key=None, calendar_ics=None):
    """Add a message to the outbox and flush; `calendar_ics` is the invitation it carries.

    Side effects: one OutboxMessage row (pending). With `dedupe_key`, a second call with the same
    key queues nothing and returns None, so reminders run twice send once.
    """
    if dedupe_key is not None:
        existing = db.session.scalar(
            db.select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return None
    # A header holds one line: a newline from user input must not break (or forge) headers.
    subject = " ".join(str(subject).split())
    message = OutboxMessage(
        kind=kind,
        to_address=to.strip(),
        subject=subject,
        body_text=body,
        dedupe_key=dedupe_key,
        calendar_ics=calendar_ics,
    )
    db.session.add(message)
    db.session.flush()
    db.session.info["outbox_dirty"] = True
    return message


def send(kind, *, to, locale="da", dedupe_key=None, **context):
    """Queue the mail `kind` to `to` in `locale`: the one way a service sends a mail.

    For a kind written when it is sent (see `register_composer`), `context` holds only plain
    parameters and the worker writes the text; otherwise the text is written now, from the
    admin's wording for the kind or the shipped one, filled in with `context`. A kind with an
    `invitation` carries the context's event as a calendar invitation, written now too (its
    SEQUENCE is the event's version at this change), unless the context says `invite=False`
    (the mail shows the event, but nothing in its calendar entry changed).

    Side effects: one pending OutboxMessage (see `queue_email` for `dedupe_key`). Raises MailError
    for a kind the portal does not know, in `locale` or at all: nothing is queued."""
    spec = mail_kind(kind, locale)
    if spec is None:
        raise MailError(f"no mail {kind!r} in {locale!r}")
    if spec.composed:
        params = json.dumps(context | {"locale": locale})
        return queue_email(to=to, subject="", body=params, kind=kind, dedupe_key=dedupe_key)
    subject, body = render(kind, locale, context)
    return queue_email(
        to=to,
        subject=subject,
        body=body,
        kind=kind,
        dedupe_key=dedupe_key,
        calendar_ics=invitation_for(spec, to=to, locale=locale, context=context),
    )


# kind -> composer(to_address, params) returning (subject, body), or None when there is nothing
# to send: a mail written by the worker when it sends it, not by the request that queued it, so
# the request does the same work whatever the outcome and its answer and timing tell nothing.
COMPOSERS = {}


def register_composer(kind, composer):
    """Let the worker write each mail of `kind` with `composer` (called by create_app)."""
    if kind not in KINDS or not KINDS[kind].composed:
        raise MailError(f"no mail {kind!r} written by the worker")
    COMPOSERS[kind] = composer


def _compose(message):
    """Fill in a composed message's text; False when there turned out to be nothing to send.
    A message without text whose kind has no composer is an error: it is never sent empty."""
    if message.subject:
        return True
    if message.kind not in COMPOSERS:
        raise MailError(f"no composer for {message.kind!r}: was it registered by create_app?")
    composed = COMPOSERS[message.kind](message.to_address, json.loads(message.body_text or "{}"))
    if composed is None:
        return False
    message.subject, message.body_text = composed
    return True


def oldest_unsent_age(*, now=None):
    """Seconds the oldest mail still waiting has waited, or None when nothing waits."""
    oldest = db.session.scalar(
        db.select(db.func.min(OutboxMessage.created_at)).where(
            OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    if oldest is None:
        return None
    if oldest.tzinfo is None:  # SQLite returns naive UTC from an aggregate
        oldest = oldest.replace(tzinfo=UTC)
    return max(0, round(((now or datetime.now(UTC)) - oldest).total_seconds()))


def mail_health(*, now=None):
    """(seconds the oldest unsent mail has waited or None, whether that is too long:
    HEALTH_MAX_OUTBOX_AGE_MINUTES)."""
    waited = oldest_unsent_age(now=now)
    limit = current_app.config["HEALTH_MAX_OUTBOX_AGE_MINUTES"] * 60
    return waited, waited is not None and waited > limit


def outbox_overview(*, limit=50):
    """For the admin: how many messages wait, went and were given up, and the (at most
    `limit`) oldest that are being retried or were given up, with their last error."""
    counts = dict(
        db.session.execute(
            db.select(OutboxMessage.status, db.func.count()).group_by(OutboxMessage.status)
        ).all()
    )
    troubled = db.session.scalars(
        db.select(OutboxMessage)
        .where(
            db.or_(
                OutboxMessage.status == OutboxStatus.FAILED,
                db.and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.attempts > 0),
            )
        )
        .order_by(OutboxMessage.created_at)
        .limit(limit)
    ).all()
    return {status: counts.get(status, 0) for status in OutboxStatus}, troubled


def masked_address(address):
    """a***@example.org: enough to recognise a recipient, not to read them off a screen."""
    name, at, domain = (address or "").partition("@")
    return f"{name[:1]}***{at}{domain}" if at else "***"


def deliver_due(*, now=None, limit=50, backend=None):
    """Send the messages that are due. Commits: this is the worker's own transaction boundary.

    Each message is claimed just before it is sent, by a conditional UPDATE that only one
    worker can win (on SQLite and PostgreSQL alike), so two workers never send the same
    message. A failure of any kind is retried with an exponential backoff and marked failed
    after MAIL_MAX_ATTEMPTS; one bad message never stops the others. Returns (sent, failed).
    """
    now = now or datetime.now(UTC)
    config = current_app.config
    backend = backend or _backend(config["MAIL_BACKEND"])
    due = db.session.scalars(
        db.select(OutboxMessage.id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            db.or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    sent = failed = 0
    for message_id in due:
        message = _claim(message_id, now)
        if message is None:
            continue  # another worker took it
        try:
            if not _compose(message):
                db.session.delete(message)  # a lookup that found nothing: nothing to send
                db.session.commit()
                continue
            backend(message, config)
        except Exception as error:
            message.attempts += 1
            # An SMTP refusal names the recipient: the log keeps only the masked address.
            reason = str(error) or error.__class__.__name__
            message.last_error = reason.replace(
                message.to_address, masked_address(message.to_address)
            )[:1000]
            message.lease_until = None
            if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
                message.status = OutboxStatus.FAILED
                failed += 1
            else:
                message.next_attempt_at = now + min(
                    timedelta(minutes=2**message.attempts), MAX_BACKOFF
                )
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = datetime.now(UTC)
            message.attempts += 1
            message.lease_until = None
            sent += 1
        db.session.commit()
    return sent, failed


def _claim(message_id, now):
    """Lease one message for this worker, or None if another worker holds or sent it."""
    claimed = db.session.execute(
        db.update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            db.or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
        )
        .values(lease_until=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        return None
    message = db.session.get(OutboxMessage, message_id)
    db.session.refresh(message)
    return message


def build_message(message, config):
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = _subject_header(message.subject)
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = make_msgid(domain="vink.kk.dk")
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    if message.calendar_ics:
        _attach_invitation(email, message.calendar_ics)
    return email


def _attach_invitation(email, text):
    """The invitation as calendars look for it (RFC 6047): a text/calendar alternative to the
    text, with the METHOD in its content type, which Outlook and Gmail turn into an entry to
    accept or an update; and the same file attached, for a reader that shows only attachments."""
    method = ics.method_of(text)
    email.add_alternative(text, subtype="calendar", params={"method": method})
    email.add_attachment(
        text.encode("utf-8"),
        maintype="application",
        subtype="ics",
        filename="invitation.ics",
    )


class _EncodedSubject(str):
    """A subject the generator writes as `email.header.Header` encodes it. The default policy
    folds a long non-ASCII subject between two encoded words and leaves the space between them
    as the fold, and a reader drops whitespace between encoded words: "Mødrenetværket på
    Nørrebro" arrived as "Mødrenetværketpå Nørrebro". Header keeps each space inside a word."""

    name = "Subject"

    def fold(self, *, policy):
        encoded = Header(str(self), "utf-8", policy.max_line_length, self.name)
        return f"{self.name}: {encoded.encode(linesep=policy.linesep)}{policy.linesep}"


def _subject_header(subject):
    """The subject as the policy stores it: plain ASCII as it is, anything else encoded whole."""
    return subject if subject.isascii() else _EncodedSubject(subject)


def send_smtp(message, config):
    email = build_message(message, config)
    with smtplib.SMTP(
        config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]
    ) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def write_file(message, config):
    """Development: the mail lands in instance/mail/ as an .eml file anyone can open."""
    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    stamp = message.created_at.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stamp}-{message.id:06d}-{message.kind}.eml"
    path.write_bytes(bytes(build_message(message, config)))


def _backend(name):
    try:
        return {"smtp": send_smtp, "file": write_file}[name]
    except KeyError:
        raise MailError(f"unknown MAIL_BACKEND {name!r} (use smtp or file)") from None
