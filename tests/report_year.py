"""A year built by hand where every right answer is known: the yearly report's fixture.

The year is last year (so the whole year is over and the pace is simply figure vs target).
Every row is described beside it; EXPECTED lists each table as the report must show it.
"""

import secrets
from datetime import date

from portal import clock
from portal.extensions import db
from portal.models import (
    BudgetLine,
    Contact,
    DeclineReason,
    District,
    EventFee,
    Organisation,
    Request,
    SspCommittee,
    SupportCourse,
    SupportCourseFee,
    SupportCourseKind,
    Target,
)
from portal.models.enums import (
    Audience,
    EventStatus,
    FundingSource,
    Metric,
    OrganisationKind,
    RequestStatus,
)
from portal.services import attendance
from tests.factories import make_event, make_user, offer_kind

TARGETS = {
    Metric.TALKS_HELD: 3,
    Metric.TALK_PARTICIPANTS: 50,
    Metric.ADVISORY_COURSES: 1,
    Metric.DIALOGUES_HELD: 2,
    Metric.DIALOGUE_STUDENTS: 40,
    Metric.MENTOR_COURSES: 2,
    Metric.PARENT_COACHING_COURSES: 1,
}
CAPACITY = "Vi har ikke kapacitet i den ønskede periode"


def report_year():
    return clock.today().year - 1


def _district(name):
    return db.session.scalar(db.select(District).where(District.name == name))


def _organisation(name, kind, district, **extra):
    organisation = Organisation(
        name=name,
        name_key=Organisation.key_for(name),
        kind=kind,
        district=_district(district),
        **extra,
    )
    db.session.add(organisation)
    return organisation


def _request(organisation, code, submitted, status=RequestStatus.PLANNED, **extra):
    request = Request(
        offer_kind=offer_kind(code),
        organisation=organisation,
        contact=Contact(name="Anne Mortensen", email="anne@example.org"),
        audience=Audience.STUDENTS if code == "dialogue" else Audience.STAFF,
        expected_participants=99,  # never counted: participants are the recorded attendance
        status=status,
        tracking_token=secrets.token_urlsafe(24),
        submitted_at=submitted,
        **extra,
    )
    db.session.add(request)
    db.session.commit()
    return request


def _held(event, by, **counts):
    attendance.record_attendance(event, by=by, counts=counts)
    db.session.commit()


def build_year():
    """The hand-built year; returns the year."""
    y = report_year()
    staff = make_user()
    for metric, value in TARGETS.items():
        db.session.add(Target(year=y, metric=metric, value=value))
    committee = SspCommittee(name_da="SSP Nørrebro", name_en="SSP Nørrebro", sort_order=1)
    ssp = _organisation("SSP Nørrebro", OrganisationKind.SSP, "Nørrebro", ssp_committee=committee)
    school = _organisation("Valby Skole", OrganisationKind.SCHOOL, "Valby")
    dka = _organisation("Københavns Politi, DKA", OrganisationKind.DKA, "Indre By")
    administration = _organisation(
        "Socialforvaltningen", OrganisationKind.ADMINISTRATION, "Indre By"
    )
    db.session.commit()

    # Talk A: from SSP, held 10 March; 25 recorded, then corrected to 22.
    a = make_event(
        kind="talk",
        starts_at=clock.local(y, 3, 10, 10),
        request=_request(ssp, "talk", clock.local(y, 2, 1, 9)),
    )
    _held(a, staff, staff=20, parents=5)
    _held(a, staff, staff=18, parents=4)
    # Talk B: VINK's own, 31 December 23.30 Copenhagen time (22.30 UTC): counts in the year.
    b = make_event(kind="talk", starts_at=clock.local(y, 12, 31, 23, 30), minutes=20)
    _held(b, staff, other=30)
    # Talk C: 1 January 00.30 of the next year in Copenhagen, still the year in UTC: not counted.
    c = make_event(kind="talk", starts_at=clock.local(y + 1, 1, 1, 0, 30), minutes=30)
    _held(c, staff, other=100)
    # Talk D: from the school, cancelled: never counts.
    make_event(
        kind="talk",
        starts_at=clock.local(y, 5, 5, 10),
        status=EventStatus.CANCELLED,
        request=_request(school, "talk", clock.local(y, 4, 1, 9)),
    )
    # Dialogue E: from the school, held 20 April; 24 pupils and 2 teachers.
    e = make_event(
        kind="dialogue",
        starts_at=clock.local(y, 4, 20, 9),
        request=_request(school, "dialogue", clock.local(y, 3, 1, 9)),
    )
    _held(e, staff, students=24, staff=2)
    # Dialogue J: asked for last December, held 15 January: held in the year, asked the year before.
    j = make_event(
        kind="dialogue",
        starts_at=clock.local(y, 1, 15, 9),
        request=_request(school, "dialogue", clock.local(y - 1, 12, 20, 9)),
    )
    _held(j, staff, students=20)
    # Advisory course G: from DKA, held 15 September; 8 staff.
    g = make_event(
        kind="advisory",
        starts_at=clock.local(y, 9, 15, 13),
        request=_request(dka, "advisory", clock.local(y, 8, 1, 9)),
    )
    _held(g, staff, staff=8)
    # Request H: from SSP, declined for lack of capacity.
    _request(
        ssp,
        "advisory",
        clock.local(y, 6, 1, 9),
        status=RequestStatus.DECLINED,
        decline_reason=db.session.scalar(
            db.select(DeclineReason).where(DeclineReason.label_da == CAPACITY)
        ),
    )
    # Request I: from the administration, withdrawn.
    _request(administration, "talk", clock.local(y, 7, 1, 9), status=RequestStatus.WITHDRAWN)

    kinds = {k.code: k for k in db.session.scalars(db.select(SupportCourseKind))}
    for code, started, ended in [
        ("mentor", date(y, 2, 1), date(y, 5, 1)),
        ("mentor", date(y, 11, 1), None),
        ("mentor", date(y - 1, 10, 1), date(y, 3, 1)),  # started the year before
        ("parent_coaching", date(y, 6, 1), None),
    ]:
        db.session.add(SupportCourse(kind=kinds[code], started_on=started, ended_on=ended))

    operations = BudgetLine(
        year=y,
        name_da="Drift",
        name_en="Operations",
        amount_ore=100_000_00,
        sort_order=1,
        source=FundingSource.BIU,
    )
    mentors = BudgetLine(
        year=y,
        name_da="Mentorer",
        name_en="Mentors",
        amount_ore=50_000_00,
        sort_order=2,
        source=FundingSource.MINISTRY,
    )
    # The funding history: the year before counts, the year after not (and 2014's two lines,
    # seeded by the migrations with no known source, count as "other").
    earlier = BudgetLine(
        year=y - 1,
        name_da="Drift",
        amount_ore=80_000_00,
        name_en="Operations",
        source=FundingSource.BUDGET_AGREEMENT,
    )
    later = BudgetLine(year=y + 1, name_da="Drift", name_en="Operations", amount_ore=1_00)
    db.session.add_all([operations, mentors, earlier, later])
    for code, fee in [("talk", 2_000_00), ("dialogue", 1_000_00), ("advisory", 5_000_00)]:
        db.session.add(EventFee(budget_line=operations, offer_kind=offer_kind(code), fee_ore=fee))
    # 2 mentor courses and 1 parent coaching started in the year: 2 x 10,000 + 1 x 5,000.
    for code, fee in [("mentor", 10_000_00), ("parent_coaching", 5_000_00)]:
        db.session.add(SupportCourseFee(budget_line=mentors, kind=kinds[code], fee_ore=fee))
    # And a line with both kinds of fee: 11,000 for the events + 2 mentor courses x 1,000.
    db.session.add(SupportCourseFee(budget_line=operations, kind=kinds["mentor"], fee_ore=1_000_00))
    db.session.commit()
    return y


# Overall (average, answers), fit (average, answers), again (share, answers), none answered:
# None, shown (and exported) as "for få svar".
NOT_ANSWERED = (None, 0, None, 0, None, 0)


def expected(y):
    """Every table of the report for the hand-built year: (header row, rows) in raw values."""
    own = "VINKs egne arrangementer / ikke oplyst"
    return {
        "maal": [
            ("Vidensoplæg afholdt", 2, 3, 2 / 3, 3.0, "Ikke nået", 1),
            ("Deltagere ved vidensoplæg", 52, 50, 52 / 50, 50.0, "Nået", 0),
            ("Rådgivningsforløb ved resursepersoner", 1, 1, 1.0, 1.0, "Nået", 0),
            ("Ung-til-ung dialoger afholdt", 2, 2, 1.0, 2.0, "Nået", 0),
            ("Elever nået med dialoger", 44, 40, 44 / 40, 40.0, "Nået", 0),
            ("Mentorforløb", 2, 2, 1.0, 2.0, "Nået", 0),
            ("Forældrecoachingforløb", 1, 1, 1.0, 1.0, "Nået", 0),
            ("Henvendelser fra SSP", 1, None, None, None, "Intet mål", None),
        ],
        "maaneder": [
            (date(y, m, 1), held, 0)
            for m, held in zip(range(1, 13), [1, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1], strict=True)
        ],
        "tilbud": [
            ("Vidensoplæg", 2, 52, 26.0, 0, 1),
            ("Ung-til-ung dialog", 2, 46, 23.0, 0, 0),
            ("Rådgivningsforløb", 1, 8, 8.0, 0, 0),
        ],
        "samarbejde": [
            ("SSP", 2, 1, 22),
            ("DKA (Politiets kriminalpræventive afdeling)", 1, 1, 8),
            ("PSP (politi, socialforvaltning og psykiatri)", 0, 0, 0),
            ("Forvaltning", 1, 0, 0),
        ],
        # Talk A and declined request H: received 2, counted 1 (H declined), held 1 (A, 22).
        "ssp_udvalg": [("SSP Nørrebro", 2, 1, 1, 22)],
        "organisationstyper": [
            ("Skole", 2, 2, 46),
            ("SSP", 2, 1, 22),
            ("DKA (Politiets kriminalpræventive afdeling)", 1, 1, 8),
            ("Forvaltning", 1, 0, 0),
            (own, 0, 1, 30),
        ],
        "bydele": [
            ("Indre By", 2, 1, 8),
            ("Nørrebro", 2, 1, 22),
            ("Valby", 2, 2, 46),
            (own, 0, 1, 30),
        ],
        "emner": [(own, 6, 5, 106)],
        "henvendelser": [
            ("Modtaget i alt", 6),
            ("Planlagt", 4),
            ("Sparring givet om en bekymring", 0),
            ("Afvist", 1),
            ("Trukket tilbage", 1),
            ("Endnu ikke afgjort", 0),
        ],
        "afslag": [(CAPACITY, 1)],
        "stoetteforloeb": [
            ("Mentorforløb", 2, 2, 1),
            ("Forældrecoaching", 1, 0, 1),
            ("Hjemmebesøg", 0, 0, 0),
            ("Familierådgivning", 0, 0, 0),
            ("Støtte til hjemvendte", 0, 0, 0),
        ],
        # Every requester of a held event (A, E, J, G) was sent the link; none answered, and no
        # participant did: no average, and no table of the participants' answers.
        "evaluering_bestillere_tilbud": [
            ("Vidensoplæg", 1, 0, 0.0, *NOT_ANSWERED),
            ("Ung-til-ung dialog", 2, 0, 0.0, *NOT_ANSWERED),
            ("Rådgivningsforløb", 1, 0, 0.0, *NOT_ANSWERED),
            ("I alt", 4, 0, 0.0, *NOT_ANSWERED),
        ],
        "evaluering_bestillere_organisationstyper": [
            ("Skole", 2, 0, 0.0, *NOT_ANSWERED),
            ("SSP", 1, 0, 0.0, *NOT_ANSWERED),
            ("DKA (Politiets kriminalpræventive afdeling)", 1, 0, 0.0, *NOT_ANSWERED),
        ],
        "evaluering_bestillere_maaneder": [
            (date(y, month, 1), 1, 0, 0.0, *NOT_ANSWERED) for month in (1, 3, 4, 9)
        ],
        "evaluering_deltagere_tilbud": [],
        "evaluering_deltagere_organisationstyper": [],
        "evaluering_deltagere_maaneder": [],
        "evaluering_tilfoejede_spoergsmaal": [],
        "budget": [
            ("Drift", "BIU", 100_000_00, 13_000_00, 0.13, 5, 2),
            ("Mentorer", "Ministeriets tilskud", 50_000_00, 25_000_00, 0.5, 0, 3),
        ],
        "finansiering": [
            ("2014", 0, 0, 0, 750_000_00, 750_000_00),
            (str(y - 1), 0, 0, 80_000_00, 0, 80_000_00),
            (str(y), 100_000_00, 50_000_00, 0, 0, 150_000_00),
        ],
    }
