"""The secretariat's calendar: weeks (Monday first) and months of events, in Copenhagen time.

A day in a week or a month shows its first few sessions and counts the rest, which the day's
own list shows a page at a time. So a week or a month costs the same few queries and about the
same bytes however busy its days are: only the sessions shown are loaded as objects."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import Event, EventSession, OfferKind, Request
from ..models.base import UTCDateTime
from ..models.enums import EventStatus
from .pages import paginate
from .seats import accepted_counts

# How many sessions a day shows in each view; "+N flere" leads to the day's list for the rest.
WEEK_SHOWN = 4
MONTH_SHOWN = 3
# Sessions per page of a day's list.
DAY_PER_PAGE = 25


@dataclass
class Day:
    day: date
    in_month: bool = True
    entries: list = field(default_factory=list)  # (event, session, accepted, needed), soonest first
    more: int = 0  # the day's sessions beyond `entries`, on the day's list


def week(day, *, shown=WEEK_SHOWN):
    monday = day - timedelta(days=day.weekday())
    days = [Day(monday + timedelta(days=i)) for i in range(7)]
    _fill(days, shown)
    return {
        "days": days,
        "start": monday,
        "end": monday + timedelta(days=6),
        "previous": monday - timedelta(days=7),
        "next": monday + timedelta(days=7),
    }


def month(day, *, shown=MONTH_SHOWN):
    first = day.replace(day=1)
    start = first - timedelta(days=first.weekday())
    following = (first + timedelta(days=32)).replace(day=1)
    days = []
    current = start
    while current < following or current.weekday() != 0:
        days.append(Day(current, in_month=current.month == first.month))
        current += timedelta(days=1)
    _fill(days, shown)
    previous = (first - timedelta(days=1)).replace(day=1)
    return {
        "days": days,
        "start": first,
        "end": following - timedelta(days=1),
        "previous": previous,
        "next": following,
        "weeks": [days[i : i + 7] for i in range(0, len(days), 7)],
    }


def next_change(entries, *, now):
    """The first moment at or after `now` at which `entries` (the (event, ...) a week, a month
    or a day shows) could be shown otherwise with nothing written: an event shown ending,
    after which it awaits attendance (seats.display_state), or the next Copenhagen midnight,
    when another day is today."""
    return clock.held_until(
        now,
        *(
            event.ends_at
            for event, *_rest in entries
            if event.status not in (EventStatus.CANCELLED, EventStatus.HELD)
        ),
    )


def day(day, *, page=1, per_page=DAY_PER_PAGE):
    """One day's sessions (Copenhagen time), soonest first, as a Page of (event, session,
    accepted, needed). Four queries: the count, the page, staffing needs, accepted seats."""
    result = paginate(
        _starting_on(day),
        order_by=[EventSession.starts_at, EventSession.id],
        page=page,
        per_page=per_page,
        options=_entry_options(),
    )
    result.items = _entries(result.items)
    return {
        "day": day,
        "previous": day - timedelta(days=1),
        "next": day + timedelta(days=1),
        "result": result,
    }


def _fill(days, shown):
    """Put each day's first `shown` sessions on it and count the rest. One query answers for
    every day with the day's count and the ids of its first few sessions (each a short look-up
    in the starts_at index); then only those sessions are loaded, with their events. Four
    queries, however busy the days."""
    bounds = {}
    for number, d in enumerate(days):
        bounds[f"starts_{number}"] = _midnight(d.day)
        bounds[f"ends_{number}"] = _midnight(d.day + timedelta(days=1))
    chosen = {}  # session id: its day
    for number, that_day, *first in db.session.execute(_first_per_day(len(days), shown), bounds):
        first = [session_id for session_id in first if session_id is not None]
        days[number].more = that_day - len(first)
        chosen.update(dict.fromkeys(first, days[number]))
    if not chosen:
        return
    sessions = db.session.scalars(
        db.select(EventSession)
        .where(EventSession.id.in_(chosen))
        .options(*_entry_options())
        .order_by(EventSession.starts_at, EventSession.id)
    ).all()
    for entry in _entries(sessions):
        chosen[entry[1].id].entries.append(entry)


@cache
def _first_per_day(day_count, shown):
    """(day number, sessions that day, the first `shown` session ids or None) for each of
    `day_count` days, whose bounds are the parameters starts_N and ends_N: a day is a
    Copenhagen day, so its bounds go in as UTC instants. Built once per shape: building the
    statement took longer than the database takes to answer it."""
    days = sa.union_all(
        *(
            db.select(
                sa.literal_column(str(number)).label("number"),
                sa.bindparam(f"starts_{number}", type_=UTCDateTime).label("starts"),
                sa.bindparam(f"ends_{number}", type_=UTCDateTime).label("ends"),
            )
            for number in range(day_count)
        )
    ).cte("days")
    on_the_day = (EventSession.starts_at >= days.c.starts, EventSession.starts_at < days.c.ends)
    nth = [
        db.select(EventSession.id)
        .where(*on_the_day)
        .order_by(EventSession.starts_at, EventSession.id)
        .limit(1)
        .offset(place)
        .scalar_subquery()
        for place in range(shown)
    ]
    return db.select(
        days.c.number, db.select(db.func.count()).where(*on_the_day).scalar_subquery(), *nth
    )


def _midnight(day):
    """The start of `day` in Copenhagen, as a UTC instant."""
    return clock.local(day.year, day.month, day.day)


def _starting_on(day):
    """The sessions that start on `day` in Copenhagen."""
    return db.select(EventSession).where(
        EventSession.starts_at >= _midnight(day),
        EventSession.starts_at < _midnight(day + timedelta(days=1)),
    )


def _entry_options():
    """What an entry shows: the event's name (offer kind, organisation) and its staffing."""
    event = joinedload(EventSession.event)
    return [
        event.joinedload(Event.offer_kind).selectinload(OfferKind.staffing_needs),
        event.joinedload(Event.request).joinedload(Request.organisation),
    ]


def _entries(sessions):
    """(event, session, accepted seats, seats needed) for each session: one query more."""
    accepted = accepted_counts(list({s.event_id for s in sessions}))
    return [
        (s.event, s, accepted.get(s.event_id, 0), s.event.offer_kind.seats_needed) for s in sessions
    ]
