"""The secretariat's calendar: weeks (Monday first) and months of events, in Copenhagen time."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import Event, OfferKind, Request
from .seats import accepted_counts


@dataclass
class Day:
    day: date
    in_month: bool = True
    entries: list = field(default_factory=list)  # (event, accepted, needed)


def week(day):
    monday = day - timedelta(days=day.weekday())
    days = [Day(monday + timedelta(days=i)) for i in range(7)]
    _fill(days)
    return {
        "days": days,
        "start": monday,
        "end": monday + timedelta(days=6),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
    }


def month(day):
    first = day.replace(day=1)
    start = first - timedelta(days=first.weekday())
    following = (first + timedelta(days=32)).replace(day=1)
    days = []
    current = start
    while current < following or current.weekday() != 0:
        days.append(Day(current, in_month=current.month == first.month))
        current += timedelta(days=1)
    _fill(days)
    previous = (first - timedelta(days=1)).replace(day=1)
    return {
        "days": days,
        "start": first,
        "end": following - timedelta(days=1),
        "previous": previous,
        "next": following,
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
    }


def _fill(days):
    """Put each event's sessions on their days: one query for the events, one for staffing."""
    first, last = days[0].day, days[-1].day
    start = clock.local(first.year, first.month, first.day)
    end = clock.local(last.year, last.month, last.day) + timedelta(days=1)
    events = (
        db.session.scalars(
            db.select(Event)
            .options(
                joinedload(Event.offer_kind).selectinload(OfferKind.staffing_needs),
                joinedload(Event.sessions),
                joinedload(Event.request).joinedload(Request.organisation),
            )
            .where(Event.starts_at < end, Event.ends_at >= start)
            .order_by(Event.starts_at)
        )
        .unique()
        .all()
    )
    accepted = accepted_counts([e.id for e in events])
    by_day = {d.day: d for d in days}
    for event in events:
        for session in event.sessions:
            local_day = session.starts_at.astimezone(clock.COPENHAGEN).date()
            if local_day in by_day:
                by_day[local_day].entries.append(
                    (event, session, accepted.get(event.id, 0), event.offer_kind.seats_needed)
                )
