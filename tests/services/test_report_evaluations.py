"""The report's evaluation figures against a year of answers built by hand, every expected number
worked out beside it (sums and counts, averages rounded half up to one decimal)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from portal import clock
from portal.extensions import db
from portal.models import (
    EvaluationAnswer,
)
from portal.models.enums import EvaluationAudience, OrganisationKind
from portal.services import evaluation_report
from portal.services.evaluation_report import HIDDEN, Mean
from tests.evaluations_year import (
    add_event_without_attendance,
    add_lone_requester_answer,
    add_own_questions,
    answer,
    build_evaluations_year,
)
from tests.factories import offer_kind

REQUESTER, PARTICIPANT = EvaluationAudience.REQUESTER, EvaluationAudience.PARTICIPANT


@pytest.fixture
def year():
    return build_evaluations_year()


def _requesters(row):
    return (
        row.asked,
        row.answered,
        row.mean(REQUESTER, "overall"),
        row.mean(REQUESTER, "fit"),
        row.mean(REQUESTER, "again"),
    )


def _participants(row):
    return (
        row.participant_answers,
        row.attended,
        row.mean(PARTICIPANT, "overall"),
        row.mean(PARTICIPANT, "learned"),
    )


def test_requesters_figures_by_offer_kind_organisation_kind_and_month(year):
    figures = evaluation_report.evaluation_figures(year)
    kinds = {row.key: row for row in figures.by_offer_kind}
    # Talk: E1, E2, E6 asked and answered; overall 5+3+4, fit 4+2+5, again 1+0+1.
    assert _requesters(kinds["talk"]) == (3, 3, Mean(12, 3), Mean(11, 3), Mean(2, 3))
    assert kinds["talk"].mean(REQUESTER, "overall").average == Decimal("4.0")
    assert kinds["talk"].mean(REQUESTER, "fit").average == Decimal("3.7")  # 11/3 = 3.67
    assert kinds["talk"].mean(REQUESTER, "again").share == Decimal("0.67")  # whole percent
    assert kinds["talk"].response_rate == 1
    # Dialogue: E3 asked, not answered; E4 had no requester.
    assert _requesters(kinds["dialogue"]) == (1, 0, Mean(), Mean(), Mean())
    assert kinds["dialogue"].response_rate == 0
    assert _requesters(figures.total) == (4, 3, Mean(12, 3), Mean(11, 3), Mean(2, 3))
    assert figures.total.answered * 4 == figures.total.asked * 3  # 75 %

    orgs = {row.key: row for row in figures.by_org_kind}
    assert list(orgs) == [OrganisationKind.SCHOOL, OrganisationKind.SSP, None]
    # School: E1, E3, E6 asked; E1 and E6 answered: two answers, too few for an average.
    school = orgs[OrganisationKind.SCHOOL]
    assert _requesters(school) == (3, 2, Mean(9, 2), Mean(9, 2), Mean(2, 2))
    assert school.mean(REQUESTER, "overall").average is None
    assert school.mean(REQUESTER, "again").share is None
    assert _requesters(orgs[OrganisationKind.SSP]) == (1, 1, Mean(3, 1), Mean(2, 1), Mean(0, 1))
    assert _requesters(orgs[None]) == (0, 0, Mean(), Mean(), Mean())

    months = {row.key: row for row in figures.by_month}
    assert list(months) == [3, 4, 5]  # January (E5) is next year's
    assert _requesters(months[3]) == (2, 2, Mean(8, 2), Mean(6, 2), Mean(1, 2))
    assert _requesters(months[4]) == (1, 0, Mean(), Mean(), Mean())
    assert _requesters(months[5]) == (1, 1, Mean(4, 1), Mean(5, 1), Mean(1, 1))


def test_participants_figures_and_answers_per_participant(year):
    figures = evaluation_report.evaluation_figures(year)
    kinds = {row.key: row for row in figures.by_offer_kind}
    # Talk: E1 (3 answers, 20 present) and E2 (2, 10); E6 had no participant answer.
    talk = kinds["talk"]
    assert _participants(talk) == (5, 30, Mean(21, 5), Mean(15, 4))
    assert talk.mean(PARTICIPANT, "overall").average == Decimal("4.2")
    assert talk.mean(PARTICIPANT, "learned").average == Decimal("3.8")  # 3.75, half up
    assert talk.answers_per_participant * 30 == 5
    # Dialogue: E3 (4 answers, 25 pupils) and E4 (1, 12).
    dialogue = kinds["dialogue"]
    assert _participants(dialogue) == (5, 37, Mean(16, 5), Mean(15, 5))
    assert dialogue.mean(PARTICIPANT, "learned").average == Decimal("3.0")
    assert _participants(figures.total) == (10, 67, Mean(37, 10), Mean(30, 9))
    assert figures.total.mean(PARTICIPANT, "learned").average == Decimal("3.3")  # 3.33

    orgs = {row.key: row for row in figures.by_org_kind}
    assert _participants(orgs[OrganisationKind.SCHOOL]) == (7, 45, Mean(28, 7), Mean(24, 7))
    assert orgs[OrganisationKind.SCHOOL].mean(PARTICIPANT, "learned").average == Decimal("3.4")
    ssp = orgs[OrganisationKind.SSP]
    assert _participants(ssp) == (2, 10, Mean(8, 2), Mean(5, 1))
    assert ssp.mean(PARTICIPANT, "overall").average is None  # two answers: too few
    assert _participants(orgs[None]) == (1, 12, Mean(1, 1), Mean(1, 1))

    months = {row.key: row for row in figures.by_month}
    assert _participants(months[3]) == (5, 30, Mean(21, 5), Mean(15, 4))
    assert _participants(months[4]) == (5, 37, Mean(16, 5), Mean(15, 5))
    assert _participants(months[5]) == (0, 0, Mean(), Mean())


def test_answers_per_participant_counts_only_the_events_with_recorded_attendance(year):
    add_event_without_attendance(year)
    figures = evaluation_report.evaluation_figures(year)
    talk = next(row for row in figures.by_offer_kind if row.key == "talk")
    # E8's two answers count as answers (and in the averages), not in the answers per participant:
    # E1's 3 and E2's 2 over their 30 present, never 7 over 30.
    assert _participants(talk) == (7, 30, Mean(31, 7), Mean(25, 6))
    assert talk.answers_per_participant * 30 == pytest.approx(5)
    june = next(row for row in figures.by_month if row.key == 6)
    assert (june.participant_answers, june.attended, june.answers_per_participant) == (2, 0, None)
    own = next(row for row in figures.by_org_kind if row.key is None)
    assert own.answers_per_participant * 12 == pytest.approx(1)  # E4's one of 12, not 3 of 12
    assert figures.total.answers_per_participant * 67 == pytest.approx(10)


def test_a_lone_small_row_hides_the_next_smallest_so_the_total_gives_nothing_away(year):
    add_lone_requester_answer(year)
    figures = evaluation_report.evaluation_figures(year)
    kinds = {row.key: row for row in figures.by_offer_kind}
    measures = [(REQUESTER, key) for key in ("overall", "fit", "again")]
    # Advisory: one answer, too few; the total minus the talks' three would be it, so the talks'
    # figures are hidden too, on every measure; the total stays.
    assert [kinds["advisory"].figure(*m) for m in measures] == [None] * 3
    assert [kinds["talk"].figure(*m) for m in measures] == [HIDDEN] * 3
    assert [kinds["talk"].mean(*m).n for m in measures] == [3] * 3  # the counts stay
    assert [figures.total.figure(*m) for m in measures] == [
        Decimal("3.5"),  # 14/4
        Decimal("3.0"),  # 12/4
        Decimal("0.50"),  # 2 of 4
    ]
    # By organisation kind: the schools' three (E1, E6, E7) beside SSP's one.
    orgs = {row.key: row for row in figures.by_org_kind}
    assert [orgs[OrganisationKind.SCHOOL].figure(*m) for m in measures] == [HIDDEN] * 3
    assert orgs[OrganisationKind.SSP].figure(REQUESTER, "again") is None
    # By month every row is too few (2, 1, 1): nothing shown, nothing more to hide.
    assert {row.figure(REQUESTER, "again") for row in figures.by_month} == {None}


def test_two_small_rows_together_under_three_answers_hide_one_more(year):
    figures = evaluation_report.evaluation_figures(year)
    orgs = {row.key: row for row in figures.by_org_kind}
    school = orgs[OrganisationKind.SCHOOL]
    # "Learned": SSP 1 and VINK's own 1, together two answers: the schools' 7 are hidden too.
    assert school.figure(PARTICIPANT, "learned") is HIDDEN
    # "Overall": SSP 2 and VINK's own 1, together three: enough, the schools' average shows.
    assert school.figure(PARTICIPANT, "overall") == Decimal("4.0")  # 28/7
    # Nothing small by offer kind: nothing hidden there.
    assert {row.figure(PARTICIPANT, "learned") for row in figures.by_offer_kind} == {
        Decimal("3.8"),
        Decimal("3.0"),
    }


def test_the_figures_are_one_query(year, count_queries):
    with count_queries() as counted:
        evaluation_report.evaluation_figures(year)
    assert counted.count == 1


def test_the_admins_own_questions_have_a_line_each_under_the_same_rule(year):
    add_own_questions(year)
    figures = evaluation_report.evaluation_figures(year)
    lines = [
        (row.offer_kind, row.audience, row.question, row.active, row.mean, row.figure)
        for row in figures.own_questions
    ]
    assert lines == [
        # E1 1, E9 4, E10 5 (E11's 1 is next year's): 10 / 3 = 3.33.
        ("Vidensoplæg", REQUESTER, "Var lokalet godt?", True, Mean(10, 3), Decimal("3.3")),
        # E9's yes and no: two answers, too few.
        ("Vidensoplæg", PARTICIPANT, "Har du lyst til mere?", True, Mean(1, 2), None),
        # E12's yes, yes, no, yes: 3 of 4; hidden since, still counted.
        (
            "Ung-til-ung dialog",
            PARTICIPANT,
            "Vil du anbefale det?",
            False,
            Mean(3, 4),
            Decimal("0.75"),
        ),
    ]
    assert figures.own_questions_left_out == 0
    # The shipped questions' figures are unchanged by them: the talk's overall is still E1, E2
    # and E6 (E9 and E10 answered only the own questions).
    talk = next(row for row in figures.by_offer_kind if row.key == "talk")
    assert talk.mean(REQUESTER, "overall") == Mean(12, 3)


def test_the_own_questions_read_in_english_falling_back_to_danish(year):
    add_own_questions(year)
    figures = evaluation_report.evaluation_figures(year, "en")
    assert [(row.offer_kind, row.question) for row in figures.own_questions] == [
        ("Knowledge talk", "Was the room good?"),
        ("Knowledge talk", "Har du lyst til mere?"),
        ("Youth-to-youth dialogue", "Would you recommend it?"),
    ]


def test_the_own_questions_are_bounded(year, monkeypatch):
    add_own_questions(year)
    monkeypatch.setattr(evaluation_report, "OWN_QUESTIONS_LIMIT", 2)
    figures = evaluation_report.evaluation_figures(year)
    assert [row.question for row in figures.own_questions] == [
        "Var lokalet godt?",
        "Har du lyst til mere?",
    ]
    assert figures.own_questions_left_out == 1


def test_the_figures_with_own_questions_are_still_one_query(year, count_queries):
    add_own_questions(year)
    with count_queries() as counted:
        evaluation_report.evaluation_figures(year)
    assert counted.count == 1


def test_a_year_without_evaluations_has_no_rows():
    figures = evaluation_report.evaluation_figures(clock.today().year - 5)
    assert (figures.by_offer_kind, figures.by_org_kind, figures.by_month) == ([], [], [])
    assert figures.total.asked == 0 and figures.total.response_rate is None


def test_the_written_answers_are_the_years_newest_first_flagged_ones_marked(year):
    page = evaluation_report.written_answers_page(year)
    assert [(a.text, a.response.flagged) for a in page.items] == [
        ("Ahmed Hansen var god", True),
        ("Spændende", False),
        ("Godt oplæg", False),
    ]
    assert page.total == 3
    talks = evaluation_report.written_answers_page(year, offer_kind_id=offer_kind("talk").id)
    assert [a.text for a in talks.items] == ["Spændende", "Godt oplæg"]
    assert evaluation_report.written_answers_page(year + 1).total == 1  # E5's


def test_the_written_answers_page_is_bounded(year):
    e1 = db.session.scalar(
        db.select(EvaluationAnswer).where(EvaluationAnswer.text == "Godt oplæg")
    ).response.event
    for n in range(30):
        answer(e1, PARTICIPANT, at=clock.now() - timedelta(minutes=n), comment=f"Svar {n}")
    page = evaluation_report.written_answers_page(year)
    assert (len(page.items), page.total, page.pages) == (25, 33, 2)
    assert [a.text for a in page.items] == [f"Svar {n}" for n in range(25)]
    last = evaluation_report.written_answers_page(year, page=2)
    assert [a.text for a in last.items] == [
        *(f"Svar {n}" for n in range(25, 30)),
        "Ahmed Hansen var god",
        "Spændende",
        "Godt oplæg",
    ]


def test_the_export_leaves_out_flagged_and_blanked_texts(year):
    answers, total = evaluation_report.written_answers_for_export(year)
    assert [(a.text, a.offer_kind, a.audience, a.question) for a in answers] == [
        ("Spændende", "Vidensoplæg", PARTICIPANT, "Er der noget, du vil sige til os?"),
        ("Godt oplæg", "Vidensoplæg", REQUESTER, "Hvad virkede godt?"),
    ]
    assert total == 2
    english, _total = evaluation_report.written_answers_for_export(year, locale="en")
    assert english[1].question == "What worked well?"
    # Retention blanks a text: it is gone from the list and the export, the figures stay.
    db.session.execute(
        db.update(EvaluationAnswer).where(EvaluationAnswer.text == "Godt oplæg").values(text="")
    )
    db.session.commit()
    assert [a.text for a in evaluation_report.written_answers_for_export(year)[0]] == ["Spændende"]
    assert evaluation_report.written_answers_page(year).total == 2
