"""The refusals services raise: the shape a form can show next to its field, and one error per
area (events, offers, attendance) under a common base, with the block that makes a refused
change leave nothing behind."""

from contextlib import contextmanager

from flask_babel import lazy_gettext as _l

from ..extensions import db


class FieldError(Exception):
    """A change refused; the message says why, in plain words, and `field` names the form field
    it is about, if any."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field

    def show_on(self, form):
        """Put the message on its field of `form`, or return it when no field has it."""
        if self.field and self.field in form:
            form[self.field].errors = [*form[self.field].errors, str(self)]
            return None
        return str(self)


class DomainError(Exception):
    """A change a rule of its area refuses; the message says why, in plain words. The view
    shows it next to the form with status 409 or 422, so the request edge rolls back and
    nothing is stored (`all_or_nothing` leaves the session as it was, for that page)."""


class SchedulingError(DomainError):
    """An event cannot be scheduled, moved or cancelled like this."""


class EditConflict(SchedulingError):
    """Someone else saved the event since it was loaded; `changes` are their audit entries."""

    def __init__(self, event, changes):
        super().__init__(_l("En anden har ændret arrangementet, mens du redigerede det."))
        self.event = event
        self.changes = changes


class OfferError(DomainError):
    """A seat cannot be offered, claimed, accepted, declined or withdrawn like this, or an
    assignee's own availability cannot be saved."""


class AttendanceError(DomainError):
    """Attendance cannot be recorded for this event, or not with these numbers."""


@contextmanager
def all_or_nothing():
    """Run a change in a SAVEPOINT: on any exception (a DomainError, a failed flush) the
    session is as it was before the block, so the view can show the refusal on a page that
    reads the database; the request edge still rolls the whole transaction back.

    On SQLite the driver opens a transaction only before its first INSERT/UPDATE/DELETE; a
    SAVEPOINT opening it instead would be committed by its RELEASE. So the transaction is
    begun first, taking the write lock as `availability.lock_people` does."""
    connection = db.session.connection()
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite" and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    with db.session.begin_nested():
        yield
