"""One page of a long list: what every list that grows with the data is shown through."""

from dataclasses import dataclass

from ..extensions import db


@dataclass
class Page:
    items: list
    total: int
    page: int
    pages: int

    def numbers(self, around=2):
        """The page numbers a pager shows: the first, the last and a few around this one, with
        None where numbers are left out. At most 2 * around + 5 entries, however many pages."""
        shown = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers, previous = [], 0
        for number in sorted(n for n in shown if 1 <= n <= self.pages):
            if number > previous + 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        return numbers


def paginate(select, *, order_by, page, per_page, count=None, options=(), total=None, key=None):
    """Page `page` (from 1; out of range means the nearest) of `select` in `order_by` (a list),
    its rows loaded with `options`. Two queries: the count (of `count`, or of the rows) and
    the page; one when the caller knows the `total` already.

    With `key` (the selected entity's primary key column), the page's keys are found first,
    in a subquery that reads only what the filters and the order need (an index can hold it),
    and only the page's rows are loaded, and joined to what `options` loads: never every row
    of a long list joined, to keep a page of it. For a select of one entity without DISTINCT,
    whose `order_by` is on that entity's columns and ends with a unique one (the key): the
    outer query orders the page's rows again by `order_by`."""
    if total is None:
        counted = select.with_only_columns(
            db.func.count(count) if count is not None else db.func.count(),
            maintain_column_froms=True,  # count the rows of the FROM the select had
        )
        total = db.session.scalar(counted)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = select.order_by(*order_by).limit(per_page).offset((page - 1) * per_page)
    if key is not None:
        keys = rows.with_only_columns(key, maintain_column_froms=True)
        entity = select.column_descriptions[0]["entity"]
        rows = db.select(entity).where(key.in_(keys.scalar_subquery())).order_by(*order_by)
    items = db.session.scalars(rows.options(*options)).unique().all()
    return Page(items=items, total=total, page=page, pages=pages)


def first_of_each(lists, limits, also=None):
    """The first rows of several lists and how long each is, in one query (a UNION ALL):
    `lists` is {name: (a select of one id column, its ORDER BY terms)}, `limits` the rows
    wanted of each ({name: n}). Returns ({name: [ids, in order]}, {name: total}), and with
    `also` (a select of one row) that row too, which rides on every row of the lists (None
    when they have none: ask it alone then).

    count(*) OVER () is taken before the LIMIT: each list's total rides on its rows. (A list
    with no rows has total 0; a list is never longer than its query.)"""
    firsts = []
    for name, (query, order) in lists.items():
        first = (
            query.add_columns(
                db.literal(name).label("list"),
                db.func.count().over().label("total"),
                db.func.row_number().over(order_by=order).label("position"),
            )
            .order_by(*order)
            .limit(limits[name])
            .subquery()
        )
        firsts.append(db.select(first))
    ids, totals = {name: [] for name in lists}, dict.fromkeys(lists, 0)
    rows = db.union_all(*firsts)
    if also is not None:
        rows = rows.subquery()
        extra = also.subquery()
        rows = db.select(rows, extra).join_from(rows, extra, db.true())
    carried = None
    for row in sorted(db.session.execute(rows), key=lambda row: row[3]):
        row_id, name, total, _position, *rest = row
        ids[name].append(row_id)
        totals[name] = total
        carried = tuple(rest)
    if also is None:
        return ids, totals
    return ids, totals, carried


def least(column, *conditions, among=None):
    """A scalar subquery: the least `column` where `conditions` hold, NULL when none do; of
    `among` (a FROM, such as a join) or else of the column's table."""
    query = db.select(db.func.min(column))
    if among is not None:
        query = query.select_from(among)
    return query.where(*conditions).scalar_subquery()


def by_id(model, ids, *options):
    """{id: row} of `model` for `ids` (none: no query), loaded with `options`: the rows that
    `first_of_each` chose."""
    if not ids:
        return {}
    return {
        row.id: row
        for row in db.session.scalars(db.select(model).where(model.id.in_(ids)).options(*options))
    }
