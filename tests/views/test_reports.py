"""The yearly report page, its XLSX and CSV exports, and the anonymous support-course screen."""

import csv
import io
import re
import zipfile
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

import lxml.html
import openpyxl
import pytest
from babel.dates import get_month_names

from portal import clock
from portal.extensions import db
from portal.models import AuditEntry, DeclineReason, SupportCourse, Target
from portal.models.enums import FundingSource, Metric, Role
from portal.services import reporting
from portal.views import reports as reports_view
from tests.browser_form import browser_form
from tests.report_year import CAPACITY, build_year, expected

REPORT_ROUTES = [
    "/sekretariat/rapport",
    "/sekretariat/rapport/2025.xlsx",
    "/sekretariat/rapport/2025-csv.zip",
    "/sekretariat/rapport/skrevne-svar",
    "/sekretariat/stoetteforloeb",
]
HEADERS = {
    "maal": [
        "Succeskriterium",
        "Opnået",
        "Mål",
        "Andel af målet",
        "Forventet nu",
        "Tempo",
        "Mangler",
    ],
    "maaneder": ["Måned", "Afholdt", "Planlagt"],
    "budget": [
        "Budgetlinje",
        "Kilde",
        "Budget (kr.)",
        "Skønnet forbrug (kr.)",
        "Andel brugt (skøn)",
        "Afholdte arrangementer i skønnet",
        "Startede støtteforløb i skønnet",
    ],
    "finansiering": [
        "År",
        "BIU (kr.)",
        "Ministeriets tilskud (kr.)",
        "Budgetaftale (kr.)",
        "Anden kilde (kr.)",
        "I alt (kr.)",
    ],
}


class _Tables(HTMLParser):
    """Every <table> of a page as {caption: [[cell text, ...], ...]} (header row first)."""

    def __init__(self):
        super().__init__()
        self.tables, self._caption, self._rows, self._cell, self._in_caption = (
            {},
            "",
            [],
            None,
            False,
        )

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._caption, self._rows = "", []
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join(self._cell.replace("\xa0", " ").split()))
            self._cell = None
        elif tag == "table":
            self.tables[self._caption.strip()] = self._rows

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell += data


def _page_tables(html):
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def _danish(value, kind):
    """A value as the Danish page shows it."""
    if value is None and kind in ("mean", "share"):
        return "for få svar"
    if value is None:
        return "–ingen"  # a dash, and "ingen" for screen readers
    if kind in ("percent", "share"):
        return f"{round(value * 100)} %"
    if kind == "money":
        return f"{value // 100:,} kr.".replace(",", ".")
    if kind in ("decimal", "mean"):
        return f"{value:.1f}".replace(".", ",")
    if kind == "month":
        return get_month_names("wide", locale="da")[value.month] + f" {value.year}"
    return str(value)


def _kinds(report_tables, slug):
    return [column.kind for column in report_tables[slug].columns]


@pytest.fixture
def year():
    return build_year()


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


def test_the_page_shows_every_figure_of_the_hand_built_year(staff, year):
    from portal.services import report_export, reporting

    response = staff.get(f"/sekretariat/rapport?aar={year}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = _page_tables(html)
    definitions = {t.slug: t for t in report_export.tables(reporting.build_report(year))}
    for slug, rows in expected(year).items():
        if slug == "maal":  # shown as one card per metric, checked below
            continue
        table = definitions[slug]
        shown = page[str(table.title)]
        assert shown[0] == [str(c.header) for c in table.columns], slug
        kinds = _kinds(definitions, slug)
        if not rows:
            assert shown[1:] == [["Ingen tal for året."]], slug
            continue
        assert shown[1:] == [
            [_danish(v, k) for v, k in zip(row, kinds, strict=True)] for row in rows
        ], slug
    text = " ".join(re.sub(r"<[^>]+>", " ", html).replace("\xa0", " ").split())
    assert f"Årsrapport {year}" in text
    cards = [
        "Vidensoplæg afholdt 2 af 3 (67 %)",
        "Målet blev ikke nået: der manglede 1",
        "Deltagere ved vidensoplæg 52 af 50 (104 %)",
        "Rådgivningsforløb ved resursepersoner 1 af 1 (100 %)",
        "Ung-til-ung dialoger afholdt 2 af 2 (100 %)",
        "Elever nået med dialoger 44 af 40 (110 %)",
        "Mentorforløb 2 af 2 (100 %)",
        "Forældrecoachingforløb 1 af 1 (100 %)",
        "Henvendelser fra SSP 1 (intet mål)",
    ]
    for card in cards:
        assert card in text, card
    assert "Året er slut" in text
    # One line per metric says what counts.
    assert text.count("Målet blev nået") >= 6
    assert "ikke det forventede antal" in text


def test_the_xlsx_holds_every_table_with_typed_cells(staff, year):
    from portal.services import report_export, reporting

    definitions = {t.slug: t for t in report_export.tables(reporting.build_report(year))}
    response = staff.get(f"/sekretariat/rapport/{year}.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert f"vink-rapport-{year}.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    want = expected(year)
    assert len(book.sheetnames) == len(want)
    sheets = dict(zip(want, book.worksheets, strict=True))
    for slug, rows in want.items():
        sheet = sheets[slug]
        assert sheet.freeze_panes == "A2", slug
        values = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        # Money is stored in øre and written in kroner.
        kinds = [column.kind for column in definitions[slug].columns]
        wanted = [
            [
                v / 100
                if isinstance(v, int) and kind == "money"
                else "for få svar"
                if v is None and kind in ("mean", "share")
                else v
                for v, kind in zip(row, kinds, strict=True)
            ]
            for row in rows
        ]
        for got_row, want_row in zip(values, wanted, strict=True):
            for got, wanted_value in zip(got_row, want_row, strict=True):
                if isinstance(wanted_value, date):
                    assert isinstance(got, datetime) and got.date() == wanted_value, slug
                elif isinstance(wanted_value, float):
                    assert got == pytest.approx(wanted_value), slug
                else:
                    assert got == wanted_value, slug
        if slug in HEADERS:
            assert [c.value for c in sheet[1]] == HEADERS[slug]
        assert (
            sheet.column_dimensions["A"].width
            >= max(len(str(r[0])) for r in rows if r[0] is not None)
            if rows and isinstance(rows[0][0], str)
            else True
        )
    goals = sheets["maal"]
    assert goals["B2"].data_type == "n" and goals["D2"].number_format == "0%"
    assert sheets["maaneder"]["A2"].is_date


def test_the_csv_zip_has_one_file_per_table_in_utf8_with_bom(staff, year):
    response = staff.get(f"/sekretariat/rapport/{year}-csv.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    want = expected(year)
    assert len(names) == len(want)
    for name, (slug, rows) in zip(names, want.items(), strict=True):
        assert name.endswith(f"-{slug}.csv")
        raw = archive.read(name)
        assert raw.startswith(b"\xef\xbb\xbf"), name
        lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        if slug in HEADERS:
            assert lines[0] == HEADERS[slug]
        assert len(lines) - 1 == len(rows), slug
    goals = list(csv.reader(io.StringIO(archive.read(names[0]).decode("utf-8-sig")), delimiter=";"))
    assert goals[1] == ["Vidensoplæg afholdt", "2", "3", "0,6667", "3,0", "Ikke nået", "1"]
    assert goals[8] == ["Henvendelser fra SSP", "1", "", "", "", "Intet mål", ""]
    months = list(
        csv.reader(io.StringIO(archive.read(names[1]).decode("utf-8-sig")), delimiter=";")
    )
    assert months[1] == [f"{year}-01-01", "1", "0"]
    budget = archive.read(names[-2]).decode("utf-8-sig")
    assert "Drift;BIU;100000,00;13000,00;0,1300;5;2" in budget
    assert "Mentorer;Ministeriets tilskud;50000,00;25000,00;0,5000;0;3" in budget
    funding = archive.read(names[-1]).decode("utf-8-sig")
    assert f"{year};100000,00;50000,00;0,00;0,00;150000,00" in funding


def test_text_that_looks_like_a_formula_never_runs_as_one(staff, year):
    reason = db.session.scalar(db.select(DeclineReason).where(DeclineReason.label_da == CAPACITY))
    reason.label_da = '=HYPERLINK("http://evil.example","klik")'
    db.session.commit()
    reasons = list(expected(year)).index("afslag")  # the decline reasons' sheet and file
    book = openpyxl.load_workbook(io.BytesIO(staff.get(f"/sekretariat/rapport/{year}.xlsx").data))
    cell = book.worksheets[reasons]["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil.example","klik")'
    assert cell.quotePrefix
    archive = zipfile.ZipFile(io.BytesIO(staff.get(f"/sekretariat/rapport/{year}-csv.zip").data))
    text = archive.read(archive.namelist()[reasons]).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert "\n=HYPERLINK" not in text


def test_the_report_defaults_to_this_year_and_offers_every_year_with_data(staff, year):
    form = browser_form(staff, "/sekretariat/rapport", action="/sekretariat/rapport")
    assert form.method == "get"
    assert str(year) in form.options("aar")
    assert form.value("aar") == str(clock.today().year)
    form.fill(aar=str(year))
    response = form.submit()
    assert response.status_code == 200
    assert f"Årsrapport {year}" in response.get_data(as_text=True)


def test_a_year_outside_the_list_gives_a_danish_error_and_this_years_report(staff):
    response = staff.get("/sekretariat/rapport?aar=1999")
    html = response.get_data(as_text=True)
    assert "Vælg et år fra listen." in html
    assert f"Årsrapport {clock.today().year}" in html


def test_a_year_without_targets_says_so_and_the_admin_can_copy_last_years(as_role):
    this_year = clock.today().year
    db.session.execute(db.delete(Target).where(Target.year.in_([this_year, this_year - 1])))
    db.session.add(Target(year=this_year - 1, metric=Metric.TALKS_HELD, value=12))
    db.session.commit()
    secretariat = as_role(Role.SECRETARIAT)
    html = secretariat.get("/sekretariat/rapport").get_data(as_text=True)
    assert f"Der er ingen mål for {this_year}." in html
    assert "/admin/maal/kopier" not in html
    admin = as_role(Role.ADMIN)
    form = browser_form(admin, "/sekretariat/rapport", action="/admin/maal/kopier")
    response = form.submit()
    assert response.status_code == 302
    assert (
        db.session.scalar(
            db.select(Target.value).where(
                Target.year == this_year, Target.metric == Metric.TALKS_HELD
            )
        )
        == 12
    )
    assert (
        db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "targets.copied"))
        is not None
    )
    assert "Der er ingen mål" not in admin.get("/sekretariat/rapport").get_data(as_text=True)


@pytest.mark.parametrize("path", REPORT_ROUTES)
def test_assignees_are_refused_and_anonymous_users_sent_to_log_in(as_role, client, path):
    assert as_role(Role.ASSIGNEE).get(path).status_code == 403
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind")


@pytest.mark.parametrize("path", REPORT_ROUTES)
def test_the_secretariat_and_the_admin_may_see_the_report(as_role, path):
    for role in (Role.SECRETARIAT, Role.ADMIN):
        assert as_role(role).get(path).status_code == 200, (role, path)


def test_the_staff_menu_links_to_the_report(staff):
    html = staff.get("/sekretariat/").get_data(as_text=True)
    assert 'href="/sekretariat/rapport"' in html


# --- anonymous support courses ------------------------------------------------------------------


def test_recording_a_support_course_stores_counts_only_with_an_audit_entry(staff):
    form = browser_form(staff, "/sekretariat/stoetteforloeb", action="/sekretariat/stoetteforloeb")
    assert form.names() == {"csrf_token", "kind", "started_on", "ended_on", "district"}
    mentor = next(v for v in form.options("kind") if v)
    form.fill(kind=mentor, started_on=clock.today().isoformat())
    response = form.submit()
    assert response.status_code == 302
    course = db.session.scalar(db.select(SupportCourse))
    assert course.started_on == clock.today() and course.ended_on is None
    assert course.district is None
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "support_course.recorded")
    )
    assert set(entry.after) == {"kind_id", "started_on", "ended_on", "district_id"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"started_on": ""}, "Vælg startdatoen."),
        ({"started_on": "2026-13-45"}, "Skriv en gyldig dato"),
        ({"started_on": "NEXT_MONTH"}, "Startdatoen kan ikke ligge i fremtiden."),
        (
            {"started_on": "2025-05-01", "ended_on": "2025-04-01"},
            "Slutdatoen skal være samme dag som startdatoen eller senere.",
        ),
    ],
)
def test_bad_input_gives_a_danish_error_and_stores_nothing(staff, fields, message):
    if fields.get("started_on") == "NEXT_MONTH":
        fields = {"started_on": (clock.today() + timedelta(days=30)).isoformat()}
    form = browser_form(staff, "/sekretariat/stoetteforloeb", action="/sekretariat/stoetteforloeb")
    form.fill(kind=next(v for v in form.options("kind") if v), **fields)
    response = form.submit()
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(SupportCourse.id))) == 0


def test_the_support_course_form_needs_its_csrf_token(staff):
    form = browser_form(staff, "/sekretariat/stoetteforloeb", action="/sekretariat/stoetteforloeb")
    form.fill(kind=next(v for v in form.options("kind") if v), started_on="2025-01-01")
    form.tamper("csrf_token", None)
    response = form.submit()
    assert response.status_code in (400, 422)
    assert db.session.scalar(db.select(db.func.count(SupportCourse.id))) == 0


def test_a_running_course_can_be_ended(staff):
    form = browser_form(staff, "/sekretariat/stoetteforloeb", action="/sekretariat/stoetteforloeb")
    form.fill(kind=next(v for v in form.options("kind") if v), started_on="2025-01-01")
    form.submit()
    course = db.session.scalar(db.select(SupportCourse))
    end = browser_form(
        staff,
        "/sekretariat/stoetteforloeb",
        action=f"/sekretariat/stoetteforloeb/{course.id}/afslut",
    )
    end.fill(**{f"end{course.id}-ended_on": "2025-03-01"})
    assert end.submit().status_code == 302
    db.session.refresh(course)
    assert course.ended_on == date(2025, 3, 1)


# --- the admin's data: kinds, budget lines, fees ------------------------------------------------


def test_the_admin_adds_a_support_course_kind_and_a_budget_line_with_fees(as_role):
    admin = as_role(Role.ADMIN)
    kinds = browser_form(admin, "/admin/stoetteforloebstyper", action="/admin/stoetteforloebstyper")
    kinds.fill(name_da="Netværksmøde")
    assert kinds.submit().status_code == 302
    assert "Netværksmøde" in admin.get("/sekretariat/stoetteforloeb").get_data(as_text=True)

    this_year = clock.today().year
    line = browser_form(admin, f"/admin/budget?aar={this_year}", button="Tilføj")
    line.fill(name_da="Transport", amount="12.500,50", source="biu")
    assert line.submit().status_code == 302
    from portal.models import BudgetLine

    created = db.session.scalar(db.select(BudgetLine).where(BudgetLine.name_da == "Transport"))
    assert created.amount_ore == 12_500_50 and created.year == this_year
    assert created.source == FundingSource.BIU
    page = admin.get(f"/admin/budget?aar={this_year}").get_data(as_text=True)
    assert "Kilde: BIU" in page
    fees = browser_form(
        admin, f"/admin/budget?aar={this_year}", action=f"/admin/budget/{created.id}/takster"
    )
    fees.fill(
        **{f"line{created.id}-fee_talk": "2.000", f"line{created.id}-course_fee_mentor": "9.000"}
    )
    assert fees.submit().status_code == 302
    db.session.refresh(created)
    assert [(f.offer_kind.code, f.fee_ore) for f in created.fees] == [("talk", 2_000_00)]
    assert [(f.kind.code, f.fee_ore) for f in created.course_fees] == [("mentor", 9_000_00)]
    # Only what changed is logged: one entry per fee set, none for the kinds left at nothing.
    logged = db.session.scalars(
        db.select(AuditEntry.action).where(
            AuditEntry.action.in_(["event_fee.set", "course_fee.set"])
        )
    ).all()
    assert sorted(logged) == ["course_fee.set", "event_fee.set"]
    assert fees.submit().status_code == 302  # the same fees again: nothing more is logged
    assert (
        db.session.scalar(
            db.select(db.func.count()).where(
                AuditEntry.action.in_(["event_fee.set", "course_fee.set"])
            )
        )
        == 2
    )


def test_a_budget_line_without_a_source_is_refused_and_nothing_is_stored(as_role):
    from portal.models import BudgetLine

    admin = as_role(Role.ADMIN)
    before = db.session.scalar(db.select(db.func.count()).select_from(BudgetLine))
    for source, told in (
        (None, "Vælg, hvor pengene kommer fra."),
        ("nowhere", "Vælg en af mulighederne på listen."),
        (" ", "Vælg en af mulighederne på listen."),
    ):
        line = browser_form(admin, "/admin/budget", button="Tilføj")
        line.fill(name_da="Transport", amount="100")
        if source is not None:
            line.tamper("source", source)
        response = line.submit()
        assert response.status_code == 422
        assert told in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(BudgetLine)) == before


def test_a_budget_amount_that_is_not_money_gives_a_danish_error(as_role):
    admin = as_role(Role.ADMIN)
    line = browser_form(admin, "/admin/budget", button="Tilføj")
    line.fill(name_da="Transport", amount="mange penge")
    response = line.submit()
    assert response.status_code == 422
    assert "Skriv et beløb i kroner" in response.get_data(as_text=True)


def test_the_report_speaks_english_on_request(staff, year):
    staff.get("/sprog/en?next=/sekretariat/rapport")
    html = staff.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True)
    assert f"Yearly report {year}" in html
    assert "Target not reached: 1 short" in html
    assert "Knowledge talk" in html and "Events per month" in html


def test_on_a_fresh_install_the_admin_copies_the_action_plans_targets_across_the_gap(as_role):
    """Only 2014 has targets after the migrations: the newest earlier year is offered."""
    this_year = clock.today().year
    db.session.execute(db.delete(Target).where(Target.year != 2014))
    db.session.commit()
    admin = as_role(Role.ADMIN)
    html = admin.get("/sekretariat/rapport").get_data(as_text=True)
    assert "Kopiér målene fra 2014" in html
    assert browser_form(admin, "/sekretariat/rapport", action="/admin/maal/kopier").submit()
    copied = db.session.scalar(
        db.select(Target.value).where(Target.year == this_year, Target.metric == Metric.TALKS_HELD)
    )
    assert copied == 10
    assert "Målene for 2014 er kopieret" in admin.get("/sekretariat/rapport").get_data(as_text=True)


def test_the_admin_sets_a_years_targets_and_the_report_measures_against_them(as_role):
    year = clock.today().year
    admin = as_role(Role.ADMIN)
    html = admin.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True)
    assert f"/admin/maal?aar={year}" in html
    form = browser_form(admin, f"/admin/maal?aar={year}", button=f"Gem målene for {year}")
    assert form.value("target_talks_held") == ""  # a year without targets starts empty
    response = form.fill(target_talks_held="14", target_dialogue_students="250").submit()
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/sekretariat/rapport?aar={year}")
    rows = db.session.execute(
        db.select(Target.metric, Target.value).where(Target.year == year)
    ).all()
    assert dict(rows) == {Metric.TALKS_HELD: 14, Metric.DIALOGUE_STUDENTS: 250}
    report = admin.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True)
    assert "Vidensoplæg afholdt 0 af 14" in " ".join(
        lxml.html.fromstring(report).text_content().split()
    )
    # Emptying a field removes that target; the change is in the audit log with before/after.
    form = browser_form(admin, f"/admin/maal?aar={year}", button=f"Gem målene for {year}")
    assert form.value("target_talks_held") == "14"
    form.fill(target_talks_held="").submit()
    rows = db.session.execute(
        db.select(Target.metric, Target.value).where(Target.year == year)
    ).all()
    assert dict(rows) == {Metric.DIALOGUE_STUDENTS: 250}
    entry = db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.action == "targets.changed")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.object_id == year
    assert entry.before == {"talks_held": 14, "dialogue_students": 250}
    assert entry.after == {"dialogue_students": 250}


@pytest.mark.parametrize("typed", ["-1", "mange", "100001", "99999999999999999999"])
def test_a_target_that_is_not_a_whole_number_from_0_is_refused_in_danish(as_role, typed):
    year = clock.today().year + 1
    admin = as_role(Role.ADMIN)
    form = browser_form(admin, f"/admin/maal?aar={year}", button=f"Gem målene for {year}")
    response = form.fill(target_talks_held=typed, target_mentor_courses="4").submit()
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Skriv et helt tal" in html
    assert db.session.scalars(db.select(Target).where(Target.year == year)).all() == []


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.ASSIGNEE])
def test_only_the_admin_may_set_targets(as_role, role):
    year = clock.today().year + 1
    client = as_role(role)
    assert client.get(f"/admin/maal?aar={year}").status_code == 403
    assert "/admin/maal?" not in client.get(f"/sekretariat/rapport?aar={year}").get_data(
        as_text=True
    )


def test_the_admin_gives_an_added_offer_kind_targets_and_the_report_shows_them(as_role):
    year = clock.today().year
    admin = as_role(Role.ADMIN)
    form = browser_form(admin, f"/admin/maal?aar={year}", button=f"Gem målene for {year}")
    assert form.value("kind_competence_held") == ""
    response = form.fill(kind_competence_held="6", kind_competence_participants="90").submit()
    assert response.status_code == 302
    report = admin.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True)
    text = " ".join(lxml.html.fromstring(report).text_content().split())
    assert "Kompetenceudvikling afholdt 0 af 6" in text
    assert "Deltagere ved Kompetenceudvikling 0 af 90" in text
    # A year still running is told its pace, never whether its targets were reached.
    assert "Bagud" in text or "På sporet" in text
    assert "Målet blev" not in text
    again = browser_form(admin, f"/admin/maal?aar={year}", button=f"Gem målene for {year}")
    assert again.value("kind_competence_participants") == "90"
    refused = again.fill(kind_competence_held="-2").submit()
    assert refused.status_code == 422
    assert "Skriv et helt tal fra 0 til" in refused.get_data(as_text=True)


def test_a_year_outside_the_reports_list_is_the_one_the_targets_page_shows_and_picks(as_role):
    admin = as_role(Role.ADMIN)
    for page in ("/admin/maal", "/admin/budget"):
        picker = browser_form(admin, f"{page}?aar=2005", button="Vis året")
        assert picker.value("aar") == "2005"
        assert "2010" in picker.options("aar")


def test_the_admin_corrects_a_budget_line_and_deletes_one_entered_by_mistake(as_role):
    from portal.models import BudgetLine, EventFee

    admin = as_role(Role.ADMIN)
    year = clock.today().year
    for name in ("Drift", "Transport"):
        add = browser_form(admin, f"/admin/budget?aar={year}", button="Tilføj")
        assert add.fill(name_da=name, amount="1.000", source="other").submit().status_code == 302
    drift, transport = (
        db.session.scalar(db.select(BudgetLine).where(BudgetLine.name_da == n))
        for n in ("Drift", "Transport")
    )
    fees = browser_form(
        admin, f"/admin/budget?aar={year}", action=f"/admin/budget/{drift.id}/takster"
    )
    assert fees.fill(**{f"line{drift.id}-fee_talk": "500"}).submit().status_code == 302

    # Corrected: amount and source; the form starts from what the line holds.
    page = admin.get(f"/admin/budget?aar={year}").get_data(as_text=True)
    assert f'href="/admin/budget/{drift.id}"' in page
    edit = browser_form(admin, f"/admin/budget/{drift.id}", button="Gem budgetlinjen")
    assert (edit.value("name_da"), edit.value("amount"), edit.value("source")) == (
        "Drift",
        "1000",
        "other",
    )
    assert edit.fill(amount="500.000", source="biu").submit().status_code == 302
    db.session.refresh(drift)
    assert (drift.amount_ore, drift.source) == (500_000_00, FundingSource.BIU)
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "budget_line.updated")
    )
    assert (entry.before["amount_ore"], entry.before["source"]) == (1_000_00, "other")
    assert (entry.after["amount_ore"], entry.after["source"]) == (500_000_00, "biu")

    # Another line's name is refused, and nothing changes.
    clash = browser_form(admin, f"/admin/budget/{transport.id}", button="Gem budgetlinjen")
    refused = clash.fill(name_da=" Drift ").submit()
    assert refused.status_code == 422
    assert "Der findes allerede en budgetlinje med det navn i året." in refused.get_data(
        as_text=True
    )
    db.session.refresh(transport)
    assert transport.name_da == "Transport"

    # Deleted only from the page that asks; its fees go with it.
    assert (
        admin.post(
            f"/admin/budget/{drift.id}/slet", data={"csrf_token": edit.value("csrf_token")}
        ).status_code
        == 200
    )
    assert db.session.get(BudgetLine, drift.id) is not None
    drift_id = drift.id
    ask = browser_form(admin, f"/admin/budget/{drift_id}/slet", button="Slet Drift")
    assert ask.submit().status_code == 302
    db.session.expire_all()
    assert db.session.get(BudgetLine, drift_id) is None
    assert db.session.scalars(db.select(EventFee)).all() == []
    assert (
        db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "budget_line.deleted")
        ).before["name_da"]
        == "Drift"
    )


def _uncached(monkeypatch):
    monkeypatch.setattr(reports_view, "remembered", lambda _key, compute: compute())
    monkeypatch.setattr(reporting, "remembered", lambda _key, compute: compute())


def test_the_remembered_report_page_is_byte_for_byte_the_one_rendered_afresh(as_role, monkeypatch):
    """The body is rendered once per data version, day, language and editing right: the page
    equals one rendered with nothing remembered, in either language, by the secretariat or
    the admin, before and after a write."""
    year = build_year()
    db.session.commit()
    url = f"/sekretariat/rapport?aar={year}"
    clients = {role: as_role(role) for role in (Role.SECRETARIAT, Role.ADMIN)}

    def page(client):
        # The session's CSRF token is signed with the time: the same page, another token.
        return re.sub(rb'(csrf[-_]token" (?:content|value)=")[^"]+', rb"\1", client.get(url).data)

    def pages():
        shown = {}
        for role, client in clients.items():
            for language in ("da", "en"):
                client.set_cookie("vink_lang", language)
                shown[(role, language)] = page(client)
                assert page(client) == shown[(role, language)]
        return shown

    first = pages()
    assert len(set(first.values())) == 4  # each language and right its own
    with monkeypatch.context() as patched:
        _uncached(patched)
        assert pages() == first
    db.session.execute(db.update(Target).where(Target.year == year).values(value=Target.value + 1))
    db.session.commit()
    again = pages()
    with monkeypatch.context() as patched:
        _uncached(patched)
        assert pages() == again
    assert not set(again.values()) & set(first.values())


def test_a_report_holding_a_form_with_the_sessions_token_is_never_shared(as_role, monkeypatch):
    """With no targets, an admin sees a form to copy last year's, carrying their own CSRF
    token: the body is remembered without it (rendered once for both admins), and each
    page carries the form with its own session's token."""
    db.session.execute(db.delete(Target).where(Target.year == clock.today().year))
    db.session.commit()
    admins = [as_role(Role.ADMIN), as_role(Role.ADMIN)]  # both signed in before either looks
    for admin in admins:
        admin.get("/sekretariat/")  # a first page after signing in may still write
    kept = []
    remember = reports_view.remembered

    def recording(key, compute):
        return remember(key, lambda: kept.append(compute()) or kept[-1])

    monkeypatch.setattr(reports_view, "remembered", recording)
    # Both pages shown with nothing written between: the body kept for the first is the
    # second's, and holds no token.
    forms = [browser_form(a, "/sekretariat/rapport", action="/admin/maal/kopier") for a in admins]
    assert len(kept) == 1 and "csrf_token" not in kept[0]
    for form in forms:
        response = form.submit()  # the copy goes through with the token the page gave
        assert response.status_code == 302, response.get_data(as_text=True)
        db.session.execute(db.delete(Target).where(Target.year == clock.today().year))
        db.session.commit()


def test_a_write_between_the_report_and_its_body_leaves_no_older_body(as_role, monkeypatch):
    """The body is rendered from the report read after the version it is kept under: a write
    landing between the two leaves the next page equal to one rendered afresh."""
    year = build_year()
    db.session.commit()
    desk = as_role(Role.SECRETARIAT)
    url = f"/sekretariat/rapport?aar={year}"
    build, wrote = reporting.build_report, []

    def then_a_write(*args, **kwargs):
        report = build(*args, **kwargs)
        if not wrote:  # another process saves new targets just after the page read the report
            wrote.append(True)
            with db.engine.begin() as connection:
                connection.execute(
                    db.update(Target).where(Target.year == year).values(value=Target.value + 1)
                )
        return report

    def page():
        return re.sub(rb'(csrf[-_]token" (?:content|value)=")[^"]+', rb"\1", desk.get(url).data)

    with monkeypatch.context() as patched:
        patched.setattr(reporting, "build_report", then_a_write)
        page()
    assert wrote
    shown = page()
    with monkeypatch.context() as patched:
        _uncached(patched)
        assert page() == shown
