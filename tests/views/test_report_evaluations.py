"""The report's evaluations on the page, in English, in the exports (free text only when ticked,
never a flagged one), and the secretariat's paged list of the free-text answers."""

import io
import zipfile
from datetime import timedelta

import lxml.html
import openpyxl
import pytest

from portal import clock
from portal.extensions import db
from portal.models import EvaluationAnswer
from portal.models.enums import EvaluationAudience, Role
from tests.browser_form import browser_form
from tests.evaluations_year import (
    add_lone_requester_answer,
    add_own_questions,
    answer,
    build_evaluations_year,
)
from tests.factories import offer_kind
from tests.views.test_reports import _page_tables

FLAGGED = "Ahmed Hansen var god"


@pytest.fixture
def year():
    return build_evaluations_year()


@pytest.fixture
def staff(as_role):
    return as_role(Role.SECRETARIAT)


def test_the_report_shows_the_evaluations_figures(staff, year):
    html = staff.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True)
    tables = _page_tables(html)
    # Talk: 3 asked, 3 answered; overall 12/3, fit 11/3 = 3.67, again 2 of 3.
    assert tables["Bestillere pr. tilbud"] == [
        [
            "Tilbud",
            "Spurgt",
            "Har svaret",
            "Svarprocent",
            "Alt i alt (gns. 1-5)",
            "Antal svar",
            "Passede til gruppen (gns. 1-5)",
            "Antal svar",
            "Vil bestille igen",
            "Antal svar",
        ],
        ["Vidensoplæg", "3", "3", "100 %", "4,0", "3", "3,7", "3", "67 %", "3"],
        ["Ung-til-ung dialog", "1", "0", "0 %", *["for få svar", "0"] * 3],
        ["I alt", "4", "3", "75 %", "4,0", "3", "3,7", "3", "67 %", "3"],
    ]
    # SSP's two participants: too few for an average; 2 answers of 10 present.
    ssp = next(r for r in tables["Deltagere pr. org.-type"] if r[0] == "SSP")
    assert ssp == ["SSP", "2", "10", "20 %", "for få svar", "2", "for få svar", "1"]
    own = tables["Deltagere pr. org.-type"][-1]
    assert own[:3] == ["VINKs egne arrangementer / ikke oplyst", "1", "12"]
    assert [r[0] for r in tables["Bestillere pr. måned"][1:]] == [
        f"marts {year}",
        f"april {year}",
        f"maj {year}",
    ]
    page = lxml.html.fromstring(html)
    [link] = page.xpath("//a[normalize-space()='Se de skrevne svar']")
    assert link.get("href") == f"/sekretariat/rapport/skrevne-svar?aar={year}"
    assert FLAGGED not in html  # the report holds figures, never a text


def test_the_evaluations_read_in_english(staff, year):
    staff.get("/sprog/en?next=/sekretariat/rapport")
    tables = _page_tables(staff.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True))
    rows = tables["Requesters by offer"]
    assert rows[1] == ["Knowledge talk", "3", "3", "100%", "4.0", "3", "3.7", "3", "67%", "3"]
    assert rows[2][4] == "too few answers"


def test_the_written_answers_are_newest_first_paged_and_flagged_ones_marked(staff, year):
    e1 = db.session.scalar(
        db.select(EvaluationAnswer).where(EvaluationAnswer.text == "Godt oplæg")
    ).response.event
    for n in range(30):
        answer(
            e1,
            EvaluationAudience.PARTICIPANT,
            at=clock.now() - timedelta(minutes=n),
            comment=f"Svar nummer {n}",
        )
    html = staff.get(f"/sekretariat/rapport/skrevne-svar?aar={year}").get_data(as_text=True)
    page = lxml.html.fromstring(html)
    texts = [p.text_content() for p in page.xpath("//p[@class='written-answer']")]
    assert texts == [f"Svar nummer {n}" for n in range(25)]
    assert "33 skrevne svar · side 1 af 2" in " ".join(html.split())
    html = staff.get(f"/sekretariat/rapport/skrevne-svar?aar={year}&side=2").get_data(as_text=True)
    page = lxml.html.fromstring(html)
    items = page.xpath("//li[@class='written-answers-item']")
    assert [i.xpath(".//p[@class='written-answer']")[0].text_content() for i in items][-3:] == [
        FLAGGED,
        "Spændende",
        "Godt oplæg",
    ]
    flagged = items[-3].text_content()
    assert "lignede et navn eller en adresse" in flagged
    assert "Er der noget, du vil sige til os?" in flagged
    assert "Vidensoplæg" not in flagged and "Ung-til-ung dialog" in flagged
    assert "lignede et navn" not in items[-1].text_content()


def test_the_written_answers_filter_by_offer_kind_as_a_browser_sends_it(staff, year):
    form = browser_form(
        staff,
        f"/sekretariat/rapport/skrevne-svar?aar={year}",
        action="/sekretariat/rapport/skrevne-svar",
    )
    talk = str(offer_kind("talk").id)
    assert talk in form.options("tilbud")
    response = form.fill(aar=str(year), tilbud=talk).submit()
    page = lxml.html.fromstring(response.get_data(as_text=True))
    assert [p.text_content() for p in page.xpath("//p[@class='written-answer']")] == [
        "Spændende",
        "Godt oplæg",
    ]


@pytest.mark.parametrize(
    "query",
    ["aar=abc&tilbud=zzz&side=x", "aar=1800&side=-4", "tilbud=99999999999999999999", "side=9999"],
)
def test_bad_filters_on_the_written_answers_are_answered_with_a_message(staff, year, query):
    response = staff.get(f"/sekretariat/rapport/skrevne-svar?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    if "aar=" in query:
        assert "Vælg et år fra listen." in html
    if "tilbud=" in query:
        assert "Vælg et tilbud fra listen." in html


def _xlsx_texts(response):
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return book.sheetnames, [
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]


def test_the_exports_hold_free_text_only_when_ticked_and_never_a_flagged_one(staff, year):
    form = browser_form(
        staff, f"/sekretariat/rapport?aar={year}", action=f"/sekretariat/rapport/{year}.xlsx"
    )
    sheets, cells = _xlsx_texts(form.submit())
    assert "Skrevne svar" not in sheets
    assert "Godt oplæg" not in cells and "Bestillere pr. tilbud" in sheets

    sheets, cells = _xlsx_texts(form.fill(fritekst=True).submit())
    assert sheets[-1] == "Skrevne svar"
    assert "Godt oplæg" in cells and "Spændende" in cells
    assert FLAGGED not in cells

    # The CSV button sends the same form to the CSV address.
    page = lxml.html.fromstring(
        staff.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True)
    )
    [csv_button] = page.xpath("//button[@formaction]")
    assert csv_button.get("formaction") == f"/sekretariat/rapport/{year}-csv.zip"
    for ticked in (False, True):
        query = "?fritekst=1" if ticked else ""
        archive = zipfile.ZipFile(
            io.BytesIO(staff.get(f"/sekretariat/rapport/{year}-csv.zip{query}").data)
        )
        written = [n for n in archive.namelist() if n.endswith("-skrevne_svar.csv")]
        assert bool(written) == ticked
        everything = "".join(archive.read(n).decode("utf-8-sig") for n in archive.namelist())
        assert FLAGGED not in everything
        assert ("Godt oplæg" in everything) == ticked
    evaluations = archive.read(
        next(n for n in archive.namelist() if n.endswith("evaluering_bestillere_tilbud.csv"))
    ).decode("utf-8-sig")
    # A share as the page shows it: whole percent (67 %), not 0,6667.
    assert "Vidensoplæg;3;3;1,0000;4,0;3;3,7;3;0,67;3" in evaluations
    assert "Ung-til-ung dialog;1;0;0,0000;for få svar;0;for få svar;0;for få svar;0" in evaluations


HIDDEN_NOTE = "skjult, så et lille tal ikke kan regnes ud"


def test_a_row_that_would_give_away_a_lone_answer_is_hidden_on_the_page_and_in_both_exports(
    staff, year
):
    add_lone_requester_answer(year)
    html = staff.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True)
    tables = _page_tables(html)
    rows = {row[0]: row for row in tables["Bestillere pr. tilbud"][1:]}
    # The advisory course's one answer is too few; the talks' three are hidden too, so that
    # "I alt" minus the rows shown gives nothing away. The counts stay.
    assert (
        rows["Rådgivningsforløb"]
        == ["Rådgivningsforløb", "1", "1", "100 %"]
        + [
            "for få svar",
            "1",
        ]
        * 3
    )
    assert rows["Vidensoplæg"] == ["Vidensoplæg", "3", "3", "100 %"] + ["skjult", "3"] * 3
    assert rows["I alt"] == ["I alt", "5", "4", "80 %", "3,5", "4", "3,0", "4", "50 %", "4"]
    school = next(r for r in tables["Bestillere pr. org.-type"] if r[0] == "Skole")
    assert school[4:] == ["skjult", "3"] * 3
    assert HIDDEN_NOTE in " ".join(html.split())

    book = openpyxl.load_workbook(io.BytesIO(staff.get(f"/sekretariat/rapport/{year}.xlsx").data))
    sheet = book["Bestillere pr. tilbud"]
    cells = {row[0]: list(row) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells["Vidensoplæg"][4:10] == ["skjult", 3] * 3
    assert cells["Rådgivningsforløb"][4:10] == ["for få svar", 1] * 3
    assert cells["I alt"][4:10] == [3.5, 4, 3.0, 4, 0.5, 4]
    assert any(HIDDEN_NOTE in str(value) for value in cells)  # the note below the table
    school = next(
        row
        for row in book["Bestillere pr. org.-type"].iter_rows(min_row=2, values_only=True)
        if row[0] == "Skole"
    )
    assert list(school[4:10]) == ["skjult", 3] * 3

    archive = zipfile.ZipFile(io.BytesIO(staff.get(f"/sekretariat/rapport/{year}-csv.zip").data))
    kinds = archive.read(
        next(n for n in archive.namelist() if n.endswith("evaluering_bestillere_tilbud.csv"))
    ).decode("utf-8-sig")
    assert "Vidensoplæg;3;3;1,0000;skjult;3;skjult;3;skjult;3" in kinds
    assert "I alt;5;4;0,8000;3,5;4;3,0;4;0,50;4" in kinds
    assert HIDDEN_NOTE in kinds
    orgs = archive.read(
        next(
            n
            for n in archive.namelist()
            if n.endswith("evaluering_bestillere_organisationstyper.csv")
        )
    ).decode("utf-8-sig")
    assert "Skole;4;3;0,7500;skjult;3;skjult;3;skjult;3" in orgs


OWN_HEADER = [
    "Spørgsmål",
    "Tilbud",
    "Hvem",
    "Status",
    "Antal svar",
    "Gennemsnit (1-5)",
    "Andel ja",
]


def test_the_admins_own_questions_are_on_the_page_and_in_both_exports(staff, year):
    add_own_questions(year)
    # Room: 1 + 4 + 5 = 10 of 3 answers, 3.3; "mere": yes and no, too few; "anbefale": 3 of 4
    # yes, 75 %, hidden since (tests/evaluations_year.py: add_own_questions).
    tables = _page_tables(staff.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True))
    assert tables["Tilføjede spørgsmål"] == [
        OWN_HEADER,
        ["Var lokalet godt?", "Vidensoplæg", "Bestilleren", "Stilles", "3", "3,3", ""],
        ["Har du lyst til mere?", "Vidensoplæg", "Deltagerne", "Stilles", "2", "", "for få svar"],
        [
            "Vil du anbefale det?",
            "Ung-til-ung dialog",
            "Deltagerne",
            "Skjult: stilles ikke.",
            "4",
            "",
            "75 %",
        ],
    ]
    book = openpyxl.load_workbook(io.BytesIO(staff.get(f"/sekretariat/rapport/{year}.xlsx").data))
    sheet = book["Tilføjede spørgsmål"]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        OWN_HEADER,
        ["Var lokalet godt?", "Vidensoplæg", "Bestilleren", "Stilles", 3, 3.3, None],
        ["Har du lyst til mere?", "Vidensoplæg", "Deltagerne", "Stilles", 2, None, "for få svar"],
        [
            "Vil du anbefale det?",
            "Ung-til-ung dialog",
            "Deltagerne",
            "Skjult: stilles ikke.",
            4,
            None,
            0.75,
        ],
    ]
    archive = zipfile.ZipFile(io.BytesIO(staff.get(f"/sekretariat/rapport/{year}-csv.zip").data))
    name = next(n for n in archive.namelist() if n.endswith("tilfoejede_spoergsmaal.csv"))
    assert archive.read(name).decode("utf-8-sig").splitlines() == [
        ";".join(OWN_HEADER),
        "Var lokalet godt?;Vidensoplæg;Bestilleren;Stilles;3;3,3;",
        "Har du lyst til mere?;Vidensoplæg;Deltagerne;Stilles;2;;for få svar",
        "Vil du anbefale det?;Ung-til-ung dialog;Deltagerne;Skjult: stilles ikke.;4;;0,75",
    ]


def test_the_own_questions_read_in_english(staff, year):
    add_own_questions(year)
    staff.get("/sprog/en?next=/sekretariat/rapport")
    tables = _page_tables(staff.get(f"/sekretariat/rapport?aar={year}").get_data(as_text=True))
    [own] = [rows for title, rows in tables.items() if rows and rows[0][0] == "Question"]
    assert [row[0] for row in own[1:]] == [
        "Was the room good?",
        "Har du lyst til mere?",  # no English wording: the Danish
        "Would you recommend it?",
    ]
    assert own[1][5] == "3.3" and own[3][6] == "75%"


def test_a_text_answer_to_an_own_question_is_among_the_written_answers(staff, year):
    add_own_questions(year)
    html = staff.get(f"/sekretariat/rapport/skrevne-svar?aar={year}").get_data(as_text=True)
    page = lxml.html.fromstring(html)
    [item] = [
        li
        for li in page.xpath("//li[@class='written-answers-item']")
        if "Lokalet var koldt" in li.text_content()
    ]
    assert item.xpath(".//h2")[0].text_content() == "Andet til os?"


def test_each_written_answer_names_its_event_and_its_flag_sits_in_its_block(staff, year):
    html = staff.get(f"/sekretariat/rapport/skrevne-svar?aar={year}").get_data(as_text=True)
    page = lxml.html.fromstring(html)
    items = {
        li.xpath(".//p[@class='written-answer']")[0].text_content(): li
        for li in page.xpath("//li[@class='written-answers-item']")
    }
    # "Godt oplæg": E1's requester, a talk booked by a school on 10 March.
    e1 = db.session.scalar(
        db.select(EvaluationAnswer).where(EvaluationAnswer.text == "Godt oplæg")
    ).response.event
    meta = " ".join(items["Godt oplæg"].xpath(".//p[@class='form-hint']")[0].text_content().split())
    assert meta.startswith(f"Arrangementet 10. marts {year} · Vidensoplæg · ")
    assert e1.request.organisation.name in meta
    [link] = items["Godt oplæg"].xpath(".//a")
    assert link.get("href") == f"/sekretariat/arrangementer/{e1.id}"
    # The flag is inside its answer's block, right before the text it is about.
    flagged = items[FLAGGED]
    children = [child.get("class") for child in flagged]
    assert children.index("pace pace-behind written-answer-flag") + 1 == children.index(
        "written-answer"
    )
    assert not items["Godt oplæg"].xpath(".//p[contains(@class, 'written-answer-flag')]")
