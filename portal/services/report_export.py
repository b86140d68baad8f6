"""The yearly report as tables: one definition that the page, the XLSX and the CSV files share,
so the three never disagree.

Cells hold real values (ints, floats, dates; money as whole øre, shown as kroner). Text that
could start a spreadsheet formula (=, +, -, @, tab, CR) is neutralised on the way out.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..labels import label
from ..models.enums import AnswerKind, FundingSource
from .evaluation_report import HIDDEN

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ORE_PER_KRONE = 100


@dataclass
class Column:
    header: str
    # text, int, decimal, percent, money (øre), month (a date), date; mean (an average) and
    # share (a whole percent) are None when too few answered, shown as too_few(), or a text
    # (hidden()) when hidden beside a small row
    kind: str = "int"


@dataclass
class Table:
    slug: str
    title: str
    columns: list
    rows: list
    note: str = ""  # below the table, on the page and in both exports


TOO_FEW_KINDS = ("mean", "share")


def too_few():
    return _("for få svar")


def hidden():
    return _("skjult")


def hidden_note():
    return _(
        "»skjult«: nok svar, men skjult, så et lille tal ikke kan regnes ud som »I alt« minus "
        "de viste rækker."
    )


def tables(report, written=None):
    """Every table of the report, in page order; with `written` (the free-text answers an
    export may hold and how many there are, from evaluation_report), those last."""
    own = _("VINKs egne arrangementer / ikke oplyst")
    breakdown_columns = [
        Column(_l("Henvendelser modtaget")),
        Column(_l("Arrangementer afholdt")),
        Column(_l("Deltagere")),
    ]

    def breakdown(rows, first_header, name):
        return [
            (
                name(row) if row.key is not None else own,
                row["requests"],
                row["held"],
                row["participants"],
            )
            for row in rows
        ], [Column(first_header, "text"), *breakdown_columns]

    org_rows, org_columns = breakdown(report.by_org_kind, _l("Organisationstype"), _org_label)
    collab_rows, collab_columns = breakdown(
        report.collaboration, _l("Samarbejdspartner"), _org_label
    )
    committee_rows = [
        (
            row.label if row.key is not None else _("Uden udvalg"),
            row["requests"],
            row["counted"],
            row["held"],
            row["participants"],
        )
        for row in report.by_ssp_committee
    ]
    committee_columns = [
        Column(_l("SSP-udvalg"), "text"),
        Column(_l("Henvendelser modtaget")),
        Column(_l("Heraf tæller (ikke afvist eller trukket tilbage)")),
        Column(_l("Arrangementer afholdt")),
        Column(_l("Deltagere")),
    ]
    district_rows, district_columns = breakdown(report.by_district, _l("Bydel"), _row_label)
    topic_rows, topic_columns = breakdown(report.by_topic, _l("Emne"), _row_label)
    requests = report.requests
    found = [
        Table(
            "maal",
            _("Succeskriterier"),
            [
                Column(_l("Succeskriterium"), "text"),
                Column(_l("Opnået")),
                Column(_l("Mål")),
                Column(_l("Andel af målet"), "percent"),
                Column(_l("Forventet nu"), "decimal"),
                Column(_l("Tempo"), "text"),
                Column(_l("Mangler")),
            ],
            [
                (
                    str(m.title),
                    m.figure,
                    m.target,
                    m.share_reached,
                    round(m.expected_by_now, 1) if m.target else None,
                    pace_text(m, over=report.is_over),
                    m.missing if m.target else None,
                )
                for m in report.metrics
            ],
        ),
        Table(
            "maaneder",
            _("Arrangementer pr. måned"),
            [Column(_l("Måned"), "month"), Column(_l("Afholdt")), Column(_l("Planlagt"))],
            [(row.label, row["held"], row["planned"]) for row in report.months],
        ),
        Table(
            "tilbud",
            _("Pr. tilbud"),
            [
                Column(_l("Tilbud"), "text"),
                Column(_l("Afholdt")),
                Column(_l("Deltagere")),
                Column(_l("Deltagere pr. arrangement"), "decimal"),
                Column(_l("Planlagt")),
                Column(_l("Aflyst")),
            ],
            [
                (
                    row.label,
                    row["held"],
                    row["participants"],
                    row["average"],
                    row["planned"],
                    row["cancelled"],
                )
                for row in report.by_offer_kind
            ],
        ),
        Table("samarbejde", _("SSP, DKA, PSP og forvaltninger"), collab_columns, collab_rows),
        Table(
            "ssp_udvalg",
            _("SSP pr. lokaludvalg"),  # a sheet name: at most 31 characters
            committee_columns,
            committee_rows,
        ),
        Table("organisationstyper", _("Pr. organisationstype"), org_columns, org_rows),
        Table("bydele", _("Pr. bydel"), district_columns, district_rows),
        Table("emner", _("Pr. emne"), topic_columns, topic_rows),
        Table(
            "henvendelser",
            _("Henvendelser og hvad der blev af dem"),
            [Column(_l("Udfald"), "text"), Column(_l("Antal"))],
            [
                (_("Modtaget i alt"), requests["received"]),
                (_("Planlagt"), requests["scheduled"]),
                (_("Sparring givet om en bekymring"), requests["counselled"]),
                (_("Afvist"), requests["declined"]),
                (_("Trukket tilbage"), requests["withdrawn"]),
                (_("Endnu ikke afgjort"), requests["open"]),
            ],
        ),
        Table(
            "afslag",
            _("Begrundelser for afslag"),
            [Column(_l("Begrundelse"), "text"), Column(_l("Antal"))],
            [(row.label or _("Ingen begrundelse"), row["count"]) for row in report.decline_reasons],
        ),
        Table(
            "stoetteforloeb",
            _("Anonym 1-1 støtte"),
            [
                Column(_l("Type"), "text"),
                Column(_l("Startet i året")),
                Column(_l("Afsluttet i året")),
                Column(_l("I gang ved årets udgang")),
            ],
            [(row.label, row["started"], row["ended"], row["ongoing"]) for row in report.support],
        ),
        *evaluation_tables(report.evaluations, own),
        Table(
            "budget",
            _("Budget og skønnet forbrug"),
            [
                Column(_l("Budgetlinje"), "text"),
                Column(_l("Kilde"), "text"),
                Column(_l("Budget (kr.)"), "money"),
                Column(_l("Skønnet forbrug (kr.)"), "money"),
                Column(_l("Andel brugt (skøn)"), "percent"),
                Column(_l("Afholdte arrangementer i skønnet")),
                Column(_l("Startede støtteforløb i skønnet")),
            ],
            [
                (
                    row.label,
                    str(label(row["source"])),
                    row["amount_ore"],
                    row["estimate_ore"] if row["has_fees"] else None,
                    row["share"] if row["has_fees"] else None,
                    row["events"],
                    row["courses"],
                )
                for row in report.budget
            ],
        ),
        Table(
            "finansiering",
            _("Finansiering år for år"),
            [
                Column(_l("År"), "text"),
                *(
                    Column(_("%(source)s (kr.)", source=label(source)), "money")
                    for source in FundingSource
                ),
                Column(_l("I alt (kr.)"), "money"),
            ],
            [
                (row.label, *(row[source] for source in FundingSource), row["total"])
                for row in report.funding
            ],
        ),
    ]
    if written is not None:
        found.append(written_table(*written))
    return found


def evaluation_tables(figures, own):
    """The requesters' and the participants' answers by offer kind (with the total), by
    organisation kind and by month: figures only, never a text."""
    requester_columns = [
        Column(_l("Spurgt")),
        Column(_l("Har svaret")),
        Column(_l("Svarprocent"), "percent"),
        Column(_l("Alt i alt (gns. 1-5)"), "mean"),
        Column(_l("Antal svar")),
        Column(_l("Passede til gruppen (gns. 1-5)"), "mean"),
        Column(_l("Antal svar")),
        Column(_l("Vil bestille igen"), "share"),
        Column(_l("Antal svar")),
    ]
    participant_columns = [
        Column(_l("Svar")),
        Column(_l("Deltagere ved arrangementer med svar")),
        Column(_l("Svar pr. deltager"), "percent"),
        Column(_l("Syntes om besøget (gns. 1-5)"), "mean"),
        Column(_l("Antal svar")),
        Column(_l("Lærte noget (gns. 1-5)"), "mean"),
        Column(_l("Antal svar")),
    ]

    def measures(row, audience, keys):
        for key in keys:
            yield _figure(row.figure(audience, key))
            yield row.mean(audience, key).n

    def requesters(label, row):
        return (
            label,
            row.asked,
            row.answered,
            row.response_rate,
            *measures(row, "requester", ("overall", "fit", "again")),
        )

    def participants(label, row):
        return (
            label,
            row.participant_answers,
            row.attended,
            row.answers_per_participant,
            *measures(row, "participant", ("overall", "learned")),
        )

    breakdowns = [
        ("tilbud", Column(_l("Tilbud"), "text"), figures.by_offer_kind, _row_label),
        (
            "organisationstyper",
            Column(_l("Organisationstype"), "text"),
            figures.by_org_kind,
            lambda row: _org_label(row) if row.key is not None else own,
        ),
        ("maaneder", Column(_l("Måned"), "month"), figures.by_month, _row_label),
    ]
    titles = {
        ("requester", "tilbud"): _("Bestillere pr. tilbud"),
        ("requester", "organisationstyper"): _("Bestillere pr. org.-type"),
        ("requester", "maaneder"): _("Bestillere pr. måned"),
        ("participant", "tilbud"): _("Deltagere pr. tilbud"),
        ("participant", "organisationstyper"): _("Deltagere pr. org.-type"),
        ("participant", "maaneder"): _("Deltagere pr. måned"),
    }
    found = []
    for audience, columns, make, shown in (
        ("requester", requester_columns, requesters, "has_requesters"),
        ("participant", participant_columns, participants, "has_participants"),
    ):
        for slug, first, rows, name in breakdowns:
            lines = [make(name(row), row) for row in rows if getattr(row, shown)]
            if slug == "tilbud" and lines:
                lines.append(make(_("I alt"), figures.total))
            any_hidden = any(isinstance(value, str) for line in lines for value in line[4:])
            found.append(
                Table(
                    f"evaluering_{'bestillere' if audience == 'requester' else 'deltagere'}_{slug}",
                    titles[(audience, slug)],
                    [first, *columns],
                    lines,
                    note=hidden_note() if any_hidden else "",
                )
            )
    found.append(own_questions_table(figures))
    return found


def own_questions_table(figures):
    """The admin's own scale and yes/no questions, a line each per offer kind and audience: the
    average in one column, the share of yes in the other ("" where it does not apply)."""
    rows = []
    for row in figures.own_questions:
        figure = _figure(row.figure)
        is_share = row.answer_kind == AnswerKind.YES_NO
        rows.append(
            (
                row.question,
                row.offer_kind,
                str(label(row.audience)),
                _("Stilles") if row.active else _("Skjult: stilles ikke."),
                row.mean.n,
                "" if is_share else figure,
                figure if is_share else "",
            )
        )
    note = ""
    if figures.own_questions_left_out:
        note = _("%(n)s spørgsmål mere er ikke med her.", n=figures.own_questions_left_out)
    return Table(
        "evaluering_tilfoejede_spoergsmaal",
        _("Tilføjede spørgsmål"),
        [
            Column(_l("Spørgsmål"), "text"),
            Column(_l("Tilbud"), "text"),
            Column(_l("Hvem"), "text"),
            Column(_l("Status"), "text"),
            Column(_l("Antal svar")),
            Column(_l("Gennemsnit (1-5)"), "mean"),
            Column(_l("Andel ja"), "share"),
        ],
        rows,
        note=note,
    )


def _figure(value):
    """An average or a share (a Decimal, rounded already) as the number a cell holds; None (too
    few answers) stays None, HIDDEN becomes its text."""
    if value is HIDDEN:
        return hidden()
    return float(value) if value is not None else None


def written_table(answers, total):
    """The free-text answers an export holds (never a flagged one), newest first; a last line
    says how many older ones were left out."""
    rows = [
        (a.submitted_on, a.offer_kind, str(label(a.audience)), a.question, a.text) for a in answers
    ]
    if total > len(answers):
        rows.append(
            (
                None,
                "",
                "",
                "",
                _(
                    "%(n)s ældre svar er ikke med. Læs dem i portalen.",
                    n=total - len(answers),
                ),
            )
        )
    return Table(
        "skrevne_svar",
        _("Skrevne svar"),
        [
            Column(_l("Dato"), "date"),
            Column(_l("Tilbud"), "text"),
            Column(_l("Hvem"), "text"),
            Column(_l("Spørgsmål"), "text"),
            Column(_l("Svaret"), "text"),
        ],
        rows,
    )


def _org_label(row):
    return str(label(row.key))


def _row_label(row):
    return row.label


def pace_text(metric_row, *, over=False):
    """The pace in a word; for a year that has ended, whether the target was reached."""
    if metric_row.target is None:
        return _("Intet mål")
    if over:
        return _("Nået") if metric_row.figure >= metric_row.target else _("Ikke nået")
    if metric_row.on_track:
        return _("På sporet")
    return _("Bagud")


def safe_text(value):
    """Text a spreadsheet shows as text, never runs as a formula (OWASP CSV injection)."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# --- XLSX ---------------------------------------------------------------------------------------

NUMBER_FORMATS = {
    "int": "#,##0",
    "decimal": "#,##0.0",
    "percent": "0%",
    "money": "#,##0.00",
    "month": "mmmm yyyy",
    "date": "yyyy-mm-dd",
    "mean": "0.0",
    "share": "0%",
}


def xlsx_bytes(report, written=None):
    """One sheet per table: a header row (frozen), typed cells, widths that fit. `written`: see
    tables()."""
    # openpyxl (with lxml) is imported here: 10 MB that a worker serving no spreadsheet does
    # without (bench/run.py holds each worker under 150 MB).
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables(report, written):
        sheet = workbook.create_sheet(_sheet_title(table.title))
        sheet.append([str(column.header) for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(column.header)) for column in table.columns]
        for row_index, row in enumerate(table.rows, start=2):
            for col_index, (column, value) in enumerate(
                zip(table.columns, row, strict=True), start=1
            ):
                cell = sheet.cell(row=row_index, column=col_index)
                if column.kind in TOO_FEW_KINDS and not isinstance(value, float | int):
                    value = too_few() if value is None else str(value)
                    cell.value, cell.data_type = value, "s"
                    widths[col_index - 1] = max(widths[col_index - 1], len(value))
                    continue
                if value is None:
                    continue
                if column.kind == "text":
                    cell.value = str(value)
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if str(value).startswith(FORMULA_STARTS):
                        cell.quotePrefix = True
                    shown = str(value)
                elif column.kind == "money":
                    cell.value = value / ORE_PER_KRONE
                    shown = f"{value / ORE_PER_KRONE:,.2f}"
                else:
                    cell.value = value
                    shown = {"month": "september 2026", "date": "2026-09-30"}.get(
                        column.kind, f"{value:,}"
                    )
                cell.number_format = NUMBER_FORMATS.get(column.kind, "General")
                widths[col_index - 1] = max(widths[col_index - 1], len(shown))
        if table.note:  # below a blank row, in the first column
            sheet.cell(row=len(table.rows) + 3, column=1, value=safe_text(table.note))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, 60)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title):
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    for char in "[]:*?/\\":
        title = title.replace(char, "-")
    return title[:31]


# --- CSV ----------------------------------------------------------------------------------------


def csv_zip_bytes(report, written=None):
    """A zip with one CSV per table: UTF-8 with BOM (Excel then reads æ, ø, å), semicolons and
    decimal commas (what Danish Excel expects), no thousands separators, dates as YYYY-MM-DD.
    `written`: see tables()."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, table in enumerate(tables(report, written), start=1):
            archive.writestr(
                f"vink-rapport-{report.year}-{number:02d}-{table.slug}.csv", csv_text(table)
            )
    return out.getvalue()


def csv_text(table):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([safe_text(column.header) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [_csv_value(column, value) for column, value in zip(table.columns, row, strict=True)]
        )
    if table.note:  # below a blank line, as in the XLSX
        writer.writerow([])
        writer.writerow([safe_text(table.note)])
    return "\ufeff" + buffer.getvalue()


def _csv_value(column, value):
    if value is None:
        return too_few() if column.kind in TOO_FEW_KINDS else ""
    if column.kind == "text" or (column.kind in TOO_FEW_KINDS and isinstance(value, str)):
        return safe_text(value)
    if column.kind == "money":
        return f"{value / ORE_PER_KRONE:.2f}".replace(".", ",")
    if column.kind == "mean":
        return f"{value:.1f}".replace(".", ",")
    if column.kind == "share":  # a whole percent, as the page shows it
        return f"{value:.2f}".replace(".", ",")
    if column.kind == "percent":
        return f"{value:.4f}".replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    return value
