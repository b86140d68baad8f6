"""A believable Danish demo data set, for `make run`, the page tests and the benchmark.

Deterministic (seeded), relative to today, and multiplied by `scale` for benchmarks. It covers
every status of requests, events and assignments, attendance, targets and school holidays.
"""

import random
import secrets
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from . import clock
from .extensions import db
from .models import (
    Assignment,
    Attendance,
    AvailabilityRule,
    BudgetLine,
    ClosedPeriod,
    Contact,
    DateProposal,
    DeclineReason,
    District,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    EventEvaluation,
    EventFee,
    EventSession,
    OfferKind,
    Organisation,
    Person,
    ProposedDate,
    Reflection,
    Request,
    SspCommittee,
    SupportCourse,
    SupportCourseFee,
    SupportCourseKind,
    Target,
    Topic,
    User,
)
from .models.enums import (
    Administration,
    AssignmentStatus,
    Audience,
    CallbackTime,
    CancelledBy,
    ClosedPeriodKind,
    ConcernKind,
    DateProposalSource,
    DeclineReasonScope,
    EvaluationAudience,
    EventStatus,
    FundingSource,
    OrganisationKind,
    RequestStatus,
    Role,
)
from .school_year import school_holidays, school_year_start
from .services import audit

COPENHAGEN = clock.COPENHAGEN
DEMO_PASSWORD = "vink-demo-2026"  # noqa: S105 (printed on the console and in the README)
DEMO_LOGINS = [
    # (email, name, role, index of the linked person or None)
    ("admin@vink.example.org", "Mette Holm", Role.ADMIN, None),
    ("sekretariat@vink.example.org", "Sara Lindberg", Role.SECRETARIAT, None),
    ("jonas@vink.example.org", "Jonas Madsen", Role.SECRETARIAT, None),
    ("resurseperson@vink.example.org", "Karin Bech", Role.ASSIGNEE, 0),
    ("ambassador@vink.example.org", "Yasmin Haddad", Role.ASSIGNEE, 8),
]

FIRST_NAMES = [
    "Karin",
    "Peter",
    "Lone",
    "Henrik",
    "Nadia",
    "Ole",
    "Birgitte",
    "Tariq",  # resource persons
    "Yasmin",
    "Mikkel",
    "Amina",
    "Oliver",
    "Sofie",
    "Ahmad",
    "Emma",
    "Mohammed",
    "Freja",
    "Ali",
    "Ida",
    "Hassan",
    "Laura",
    "Emil",
    "Zainab",
    "Noah",  # ambassadors
]
LAST_NAMES = [
    "Bech",
    "Nørgaard",
    "Kristensen",
    "Thomsen",
    "Rahimi",
    "Sørensen",
    "Lund",
    "Iqbal",
    "Haddad",
    "Larsen",
    "Yusuf",
    "Nielsen",
    "Christensen",
    "Karimi",
    "Pedersen",
    "Ali",
    "Jørgensen",
    "Demir",
    "Hansen",
    "Osman",
    "Olsen",
    "Rasmussen",
    "Abdi",
    "Poulsen",
]
EXTRA_LANGUAGES = ["en", "ar", "tr", "so", "ur", "fa", "en", "", "", ""]

ORGANISATIONS = [
    ("Husum Skole", OrganisationKind.SCHOOL, "Brønshøj-Husum"),
    ("Tingbjerg Skole", OrganisationKind.SCHOOL, "Brønshøj-Husum"),
    ("Nørre Fælled Skole", OrganisationKind.SCHOOL, "Østerbro"),
    ("Lundehusskolen", OrganisationKind.SCHOOL, "Bispebjerg"),
    ("Amager Fælled Skole", OrganisationKind.SCHOOL, "Amager Vest"),
    ("Valby Skole", OrganisationKind.SCHOOL, "Valby"),
    ("Vanløse Skole", OrganisationKind.SCHOOL, "Vanløse"),
    ("Blågård Skole", OrganisationKind.SCHOOL, "Nørrebro"),
    ("Sønderbro Skole", OrganisationKind.SCHOOL, "Amager Øst"),
    ("Kongens Enghave Skole", OrganisationKind.SCHOOL, "Vesterbro/Kongens Enghave"),
    ("Nørre Gymnasium", OrganisationKind.UPPER_SECONDARY, "Bispebjerg"),
    ("Ørestad Gymnasium", OrganisationKind.UPPER_SECONDARY, "Amager Vest"),
    ("HF-Centret Indre By", OrganisationKind.UPPER_SECONDARY, "Indre By"),
    ("TEC Hvidovre", OrganisationKind.UPPER_SECONDARY, "Uden for Københavns Kommune"),
    ("Mødrenetværket på Nørrebro", OrganisationKind.NGO, "Nørrebro"),
    ("Foreningen Unge Stemmer", OrganisationKind.NGO, "Vesterbro/Kongens Enghave"),
    ("Frivilligcentret Amager", OrganisationKind.NGO, "Amager Øst"),
    ("Lektiecafeen i Tingbjerg", OrganisationKind.NGO, "Brønshøj-Husum"),
    ("SSP Bispebjerg", OrganisationKind.SSP, "Bispebjerg"),
    ("SSP Valby", OrganisationKind.SSP, "Valby"),
    ("SSP Amager Vest", OrganisationKind.SSP, "Amager Vest"),
    ("Hovedbiblioteket", OrganisationKind.MUNICIPAL, "Indre By"),
    ("Fritidsklubben Mjølner", OrganisationKind.MUNICIPAL, "Nørrebro"),
    ("Socialforvaltningen, Børnefamilieenheden Vest", OrganisationKind.MUNICIPAL, "Valby"),
]
# The partners the action plan asks about: the local SSP committee of each district, the
# police's crime-prevention department (DKA), PSP and the municipal administrations. They
# ask for talks and advisory courses through the year (see _year_round).
PARTNERS = [
    *(
        (f"SSP {district}", OrganisationKind.SSP, district)
        for district in [
            "Indre By",
            "Østerbro",
            "Nørrebro",
            "Vesterbro/Kongens Enghave",
            "Vanløse",
            "Brønshøj-Husum",
            "Amager Øst",
        ]
    ),
    (
        "Københavns Politi, Den Kriminalpræventive Afdeling",
        OrganisationKind.DKA,
        "Indre By",
    ),
    ("PSP København", OrganisationKind.PSP, "Indre By"),
    ("Børne- og Ungdomsforvaltningen", OrganisationKind.ADMINISTRATION, "Indre By"),
    ("Socialforvaltningen", OrganisationKind.ADMINISTRATION, "Indre By"),
    ("Kultur- og Fritidsforvaltningen", OrganisationKind.ADMINISTRATION, "Indre By"),
]
# Copenhagen's local SSP committees, one per district (Indre By's covers Christianshavn too): the
# list an admin keeps, which the demo's SSP organisations belong to by their district.
SSP_COMMITTEES = {
    "Amager Øst": "SSP Amager Øst",
    "Amager Vest": "SSP Amager Vest",
    "Bispebjerg": "SSP Bispebjerg",
    "Brønshøj-Husum": "SSP Brønshøj-Husum",
    "Indre By": "SSP Indre By/Christianshavn",
    "Nørrebro": "SSP Nørrebro",
    "Valby": "SSP Valby",
    "Vanløse": "SSP Vanløse",
    "Vesterbro/Kongens Enghave": "SSP Vesterbro/Kongens Enghave",
    "Østerbro": "SSP Østerbro",
}
# Per copy: 28 requests in the main plan, 4 concerns, and two a month for two years in
# _year_round.
REQUESTS_PER_COPY = 28 + 4 + 2 * 12 * 2
CONTACT_NAMES = [
    "Anne Mortensen",
    "Bo Frederiksen",
    "Camilla Winther",
    "Dorthe Skov",
    "Esben Holm",
    "Fatima El-Sayed",
    "Gitte Bruun",
    "Hans Kjær",
    "Ibrahim Said",
    "Julie Vestergaard",
    "Kasper Dam",
    "Lene Mikkelsen",
]
EVALUATION_TEXTS = {
    "worked": [
        "Eleverne var meget engagerede, og der var tid til deres spørgsmål.",
        "Konkrete eksempler, som personalet kunne genkende fra hverdagen.",
        "God dialog og et roligt tempo.",
    ],
    "change": [
        "Lidt mere tid til spørgsmål til sidst.",
        "Send gerne materialet et par dage før.",
    ],
    "comment": [
        "Det var godt at høre nogen på vores egen alder fortælle.",
        "Spændende, men lidt langt.",
        "Jeg lærte noget om, hvordan man kan sige fra.",
    ],
    # An assignee's note to the secretariat after an event.
    "reflection": [
        "Klassen var godt forberedt, og læreren blev i lokalet hele tiden.",
        "Der var uro i starten, men det fandt sig.",
        "Lokalet var optaget, så vi startede et kvarter for sent.",
    ],
}
PLACES = ["Aulaen", "Lokale 12", "Personalerummet", "Biblioteket, mødelokale 2", "Klasselokalet"]


def already_loaded():
    """Demo data never goes into a database that has users or requests already."""
    return (
        db.session.scalar(db.select(User.id).limit(1)) is not None
        or db.session.scalar(db.select(Request.id).limit(1)) is not None
    )


def print_logins(echo):
    if db.session.scalar(db.select(User.id).where(User.email == DEMO_LOGINS[0][0])) is None:
        return
    echo(
        f"Demo-logins (første gang med adgangskoden {DEMO_PASSWORD}; "
        "så vælger hver bruger sin egen):"
    )
    for email, name, role, _person in DEMO_LOGINS:
        echo(f"  {email:34} {name} ({role.value})")


def load(scale=1, today=None, first_copy=0):
    """Load the data set `scale` times over. Flushes; the caller commits. Returns counts.

    `first_copy` > 0 adds more copies to data loaded before (the query-count tests grow it)."""
    if first_copy == 0:
        _ssp_committees()
        _direkte_booking()
    builder = _Builder(random.Random(2014 + first_copy), today or clock.today())
    for copy in range(first_copy, first_copy + scale):
        builder.build_copy(copy)
    if first_copy == 0:
        builder.give_demo_logins_an_open_offer()
        builder.add_year_data()
    audit.record(
        "demo_data.loaded", actor_label="system", object_type="demo", after={"scale": scale}
    )
    db.session.flush()
    return builder.counts


def _direkte_booking():
    """The dialogue opens for direkte booking, so `make run` shows its free times."""
    dialogue = db.session.scalar(db.select(OfferKind).where(OfferKind.code == "dialogue"))
    if dialogue is not None:
        dialogue.instant_booking = True


def _ssp_committees():
    """The committees of SSP_COMMITTEES the admin's list does not have yet, added in order."""
    known = set(db.session.scalars(db.select(SspCommittee.name_da)))
    last = db.session.scalar(db.select(db.func.max(SspCommittee.sort_order))) or 0
    for name in sorted(SSP_COMMITTEES.values()):
        if name not in known:
            last += 1
            db.session.add(SspCommittee(name_da=name, name_en=name, sort_order=last))
    db.session.flush()


class _Builder:
    def __init__(self, rng, today):
        self.rng = rng
        self.today = today
        self.now = clock.now()
        self.counts = defaultdict(int)
        self.kinds = {k.code: k for k in db.session.scalars(db.select(OfferKind))}
        self.topics = db.session.scalars(db.select(Topic)).all()
        self.districts = {d.name: d for d in db.session.scalars(db.select(District))}
        self.committees = {c.name_da: c for c in db.session.scalars(db.select(SspCommittee))}
        self.request_reasons = db.session.scalars(
            db.select(DeclineReason).where(DeclineReason.scope == DeclineReasonScope.REQUEST)
        ).all()
        self.assignment_reasons = db.session.scalars(
            db.select(DeclineReason).where(DeclineReason.scope == DeclineReasonScope.ASSIGNMENT)
        ).all()
        # The shipped evaluation questions by offer kind, audience and key; the answers get a
        # generator of their own, so the rest of the data set stays as it was.
        self.questions = {
            (q.offer_kind_id, q.audience, q.key): q
            for q in db.session.scalars(
                db.select(EvaluationQuestion).where(EvaluationQuestion.key != "")
            )
        }
        self.answers_rng = random.Random(str(rng.getstate()[1][:4]))  # reads, never draws
        # Accepted intervals per person, so the demo never double-books anyone.
        self.busy = defaultdict(list)
        # Persons of the demo logins, when the data set is being grown (load(first_copy > 0)).
        self.first_copy_persons = db.session.scalars(
            db.select(Person).join(User, User.person_id == Person.id)
        ).all()
        self.featured = {p.email for p in self.first_copy_persons}
        for assignment in db.session.scalars(
            db.select(Assignment).where(
                Assignment.status == AssignmentStatus.ACCEPTED,
                Assignment.person_id.in_([p.id for p in self.first_copy_persons]),
            )
        ):
            for session in assignment.event.sessions:
                self.busy[assignment.person_id].append((session.starts_at, session.ends_at))

    # --- one copy of the data set -------------------------------------------------------------
    def build_copy(self, copy):
        persons = self._persons(copy)
        if copy == 0:
            self._users(persons)
            self.first_copy_persons = persons
        else:
            # More data means more work for everyone, the demo logins included.
            persons = persons + self.first_copy_persons
        organisations = self._organisations(copy)
        self._requests_and_events(copy, organisations, persons)
        self._concerns(copy)
        self._own_talks(copy, persons)
        partners = self._organisations(copy, PARTNERS)
        for year in (self.today.year - 1, self.today.year):
            self._year_round(copy, year, organisations, partners, persons)

    def _persons(self, copy):
        persons = []
        for index, first in enumerate(FIRST_NAMES):
            last = LAST_NAMES[index]
            suffix = f".{copy + 1}" if copy else ""
            person = Person(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}{suffix}@example.org".lower()
                .replace("ø", "oe")
                .replace("æ", "ae")
                .replace("å", "aa"),
                phone=f"+45 {self.rng.randint(20, 61)} {self.rng.randint(10, 99)} "
                f"{self.rng.randint(10, 99)} {self.rng.randint(10, 99)}",
                is_resource_person=index < 8,
                is_ambassador=index >= 8 or index == 7,
                languages=" ".join(filter(None, ["da", self.rng.choice(EXTRA_LANGUAGES)])),
                active=index != 23,
                calendar_token=secrets.token_urlsafe(24),
            )
            person.topics = self.rng.sample(self.topics, 3 if index < 8 else 2)
            for weekday in self.rng.sample(range(5), 2):
                person.availability_rules.append(
                    AvailabilityRule(
                        weekday=weekday, starts_at=time(8 if index < 8 else 12), ends_at=time(16)
                    )
                )
            db.session.add(person)
            persons.append(person)
        db.session.flush()
        self.counts["personer"] += len(persons)
        return persons

    def _users(self, persons):
        for email, name, role, person_index in DEMO_LOGINS:
            if person_index is not None:
                self.featured.add(persons[person_index].email)
            user = User(
                email=email,
                name=name,
                role=role,
                person=persons[person_index] if person_index is not None else None,
            )
            user.set_password(DEMO_PASSWORD)
            db.session.add(user)
            self.counts["brugere"] += 1
        db.session.flush()

    def _organisations(self, copy, names=ORGANISATIONS):
        organisations = []
        for name, kind, district in names:
            name = f"{name} ({copy + 1})" if copy else name
            organisation = Organisation(
                name=name,
                name_key=Organisation.key_for(name),
                kind=kind,
                district=self.districts[district],
                ssp_committee=(
                    self.committees.get(SSP_COMMITTEES[district])
                    if kind == OrganisationKind.SSP
                    else None
                ),
            )
            db.session.add(organisation)
            organisations.append(organisation)
        db.session.flush()
        self.counts["organisationer"] += len(organisations)
        return organisations

    def _requests_and_events(self, copy, organisations, persons):
        # (days from today of the event or wished date, request status, event status or None)
        plan = [
            (-330, RequestStatus.PLANNED, EventStatus.HELD),
            (-300, RequestStatus.PLANNED, EventStatus.HELD),
            (-260, RequestStatus.DECLINED, None),
            (-240, RequestStatus.PLANNED, EventStatus.HELD),
            (-200, RequestStatus.PLANNED, EventStatus.CANCELLED),
            (-170, RequestStatus.PLANNED, EventStatus.HELD),
            (-150, RequestStatus.WITHDRAWN, None),
            (-120, RequestStatus.PLANNED, EventStatus.HELD),
            (-90, RequestStatus.PLANNED, EventStatus.HELD),
            (-60, RequestStatus.PLANNED, EventStatus.HELD),
            (-45, RequestStatus.DECLINED, None),
            (-30, RequestStatus.PLANNED, EventStatus.HELD),
            (-14, RequestStatus.PLANNED, EventStatus.HELD),
            (-3, RequestStatus.PLANNED, EventStatus.HELD),  # attendance not yet recorded
            (-1, RequestStatus.PLANNED, EventStatus.HELD),  # attendance not yet recorded
            (2, RequestStatus.PLANNED, EventStatus.PLANNED),
            (5, RequestStatus.PLANNED, EventStatus.PLANNED),
            (9, RequestStatus.PLANNED, EventStatus.PLANNED),
            (12, RequestStatus.PLANNED, EventStatus.PLANNED),
            (20, RequestStatus.PLANNED, EventStatus.PLANNED),
            (25, RequestStatus.PLANNING, None),
            (30, RequestStatus.PLANNED, EventStatus.CANCELLED),
            (35, RequestStatus.PLANNING, None),
            (40, RequestStatus.SUBMITTED, None),
            (48, RequestStatus.SUBMITTED, None),
            (55, RequestStatus.SUBMITTED, None),
            (60, RequestStatus.WITHDRAWN, None),
            (70, RequestStatus.SUBMITTED, None),
        ]
        codes = ["dialogue", "talk", "dialogue", "advisory"]
        for index, (days, request_status, event_status) in enumerate(plan):
            organisation = organisations[(index * 7 + copy) % len(organisations)]
            code = "dialogue" if organisation.kind == OrganisationKind.SCHOOL else codes[index % 4]
            if organisation.kind == OrganisationKind.SSP:
                code = "advisory"
            kind = self.kinds[code]
            day = self.today + timedelta(days=days)
            request = self._request(index, organisation, kind, day, request_status)
            if event_status is not None:
                self._event(kind, request, day, event_status, persons, index)
        self.counts["henvendelser"] += len(plan)

    def _concerns(self, copy):
        """Counsel about a concern: two waiting for a call (one past its deadline), two talked
        through. Where the member of staff works, never who the concern is about."""
        kind = self.kinds.get("concern")
        if kind is None:
            return
        plan = [
            ("Fritidsklubben Mjølnerparken", Administration.BUF, ConcernKind.ONLINE, 1, None),
            ("Valby Bibliotek", Administration.KFF, ConcernKind.RIGHT_WING, 6, None),
            ("Socialcenter Amager", Administration.SOF, ConcernKind.RELIGIOUS, 40, 38),
            ("Jobcenter København", Administration.BIF, ConcernKind.CONFLICT, 90, 89),
        ]
        for index, (place, administration, concern_kind, days_ago, talked) in enumerate(plan):
            name = f"{place} ({copy + 1})" if copy else place
            contact_name = CONTACT_NAMES[(index + copy) % len(CONTACT_NAMES)]
            request = Request(
                offer_kind=kind,
                organisation=Organisation(
                    name=name, name_key=Organisation.key_for(name), kind=OrganisationKind.MUNICIPAL
                ),
                contact=Contact(
                    name=contact_name,
                    email=contact_name.split()[0].lower().replace("ø", "oe")
                    + f".sparring{copy}.{index}@example.org",
                    phone="+45 33 66 33 66",
                ),
                audience=Audience.STAFF,
                expected_participants=1,
                notes="En ung, jeg møder i mit arbejde, har ændret sig meget og deler budskaber "
                "fra et ekstremt miljø. Jeg vil gerne vide, hvordan jeg skal reagere.",
                status=RequestStatus.COUNSELLED if talked else RequestStatus.SUBMITTED,
                counselled_on=self.today - timedelta(days=talked) if talked else None,
                tracking_token=secrets.token_urlsafe(24),
                submitted_at=(self.now - timedelta(days=days_ago, hours=2)).astimezone(UTC),
                administration=administration,
                concern_kind=concern_kind,
                callback_time=CallbackTime.MORNING if index % 2 else CallbackTime.ANY,
            )
            db.session.add(request)
        db.session.flush()
        self.counts["henvendelser"] += len(plan)

    def _year_round(self, copy, year, organisations, partners, persons):
        """Two requests a month through `year`, so every figure of the yearly report (and of
        the year before) is believable: held with attendance when past, planned when ahead;
        now and then a declined, withdrawn or cancelled one."""
        codes = ["talk", "dialogue", "advisory", "talk", "dialogue", "dialogue"]
        for month in range(1, 13):
            for slot in range(2):
                index = month * 2 + slot + copy
                day = date(year, month, 6 + slot * 11 + copy % 5)
                if slot:  # one request a month from a partner: SSP, DKA, PSP, administrations
                    organisation = partners[(month + copy + year) % len(partners)]
                else:
                    organisation = organisations[(index * 5 + copy) % len(organisations)]
                code = codes[index % len(codes)]
                if organisation.kind == OrganisationKind.SCHOOL:
                    code = "dialogue"
                elif organisation.kind in OrganisationKind.collaboration_kinds():
                    code = "advisory" if index % 3 == 0 else "talk"
                kind = self.kinds[code]
                if index % 11 == 0:
                    self._request(index, organisation, kind, day, RequestStatus.DECLINED)
                    continue
                if index % 13 == 0:
                    self._request(index, organisation, kind, day, RequestStatus.WITHDRAWN)
                    continue
                if day >= self.today - timedelta(days=4):
                    status = EventStatus.PLANNED
                else:
                    status = EventStatus.CANCELLED if index % 17 == 0 else EventStatus.HELD
                request = self._request(index, organisation, kind, day, RequestStatus.PLANNED)
                self._event(kind, request, day, status, persons, index)

    def _request(self, index, organisation, kind, wished, status):
        students = kind.code == "dialogue"
        contact_name = CONTACT_NAMES[index % len(CONTACT_NAMES)]
        contact = Contact(
            name=contact_name,
            email=contact_name.split()[0].lower().replace("ø", "oe") + f".{index}@example.org",
            phone=f"+45 33 {self.rng.randint(10, 99)} {self.rng.randint(10, 99)} "
            f"{self.rng.randint(10, 99)}",
        )
        # Sent a month before the wished date, but never in the future.
        submitted = min(
            datetime.combine(wished - timedelta(days=30), time(9), COPENHAGEN),
            self.now - timedelta(days=self.rng.randint(1, 10), hours=self.rng.randint(0, 8)),
        )
        request = Request(
            offer_kind=kind,
            topic=self.rng.choice(self.topics),
            organisation=organisation,
            contact=contact,
            audience=Audience.STUDENTS
            if students
            else self.rng.choice([Audience.STAFF, Audience.PARENTS, Audience.VOLUNTEERS]),
            grade=self.rng.choice(["7. klasse", "8. klasse", "9. klasse", "1.g"])
            if students
            else "",
            expected_participants=self.rng.randint(18, 28)
            if students
            else self.rng.randint(10, 40),
            place=f"{organisation.name}, {self.rng.choice(PLACES)}",
            online=kind.online_allowed and index % 5 == 0,
            # Some who book online suggest their own meeting link.
            meeting_url=f"https://teams.microsoft.com/l/meetup-join/vink-{index}"
            if kind.online_allowed and index % 10 == 0
            else "",
            # Some tell those who come how to find them (no draw: the demo stays as it was).
            practical_info="Indgang fra skolegården; vi møder jer ved porten."
            if index % 7 == 3
            else "",
            notes=self.rng.choice(
                [
                    "",
                    "Klassen har talt om konspirationsteorier efter en episode på sociale medier.",
                    "Vi vil gerne have fokus på, hvordan man taler med de unge om det.",
                    "Forældremødet holdes om aftenen; kaffe og kage sørger vi for.",
                ]
            ),
            status=status,
            tracking_token=secrets.token_urlsafe(24),
            submitted_at=submitted.astimezone(UTC),
        )
        if status == RequestStatus.DECLINED:
            request.decline_reason = self.rng.choice(self.request_reasons)
            request.decline_note = "Vi henviser til SSP i jeres bydel, som kan hjælpe hurtigere."
        if status == RequestStatus.WITHDRAWN:
            request.withdraw_note = "Klassen skal på lejrskole i den periode."
        proposal = DateProposal(
            request=request, source=DateProposalSource.REQUESTER, created_at=request.submitted_at
        )
        for offset in (0, 7):
            proposal.dates.append(
                ProposedDate(
                    starts_on=wished + timedelta(days=offset),
                    ends_on=wished + timedelta(days=offset + 2),
                )
            )
        db.session.add_all([contact, request, proposal])
        db.session.flush()
        return request

    def _event(self, kind, request, day, status, persons, index):
        start_local = datetime.combine(day, time(9 + (index % 3) * 2, 0), COPENHAGEN)
        duration = timedelta(minutes=kind.default_duration_minutes)
        sessions = 2 if kind.code == "advisory" else 1
        event = Event(
            offer_kind=kind,
            request=request,
            place=request.place if request else "VINK, Bernstorffsgade 17",
            online=request.online if request else False,
            meeting_url=request.meeting_url if request else "",
            practical_info="Mød op ved hovedindgangen. Vi henter jer i receptionen.\n"
            "Der er parkering bag skolen."
            if index % 4 == 1
            else "",
            status=status,
            cancel_note="Skolen er lukket pga. vandskade."
            if status == EventStatus.CANCELLED
            else "",
            cancelled_by=CancelledBy.SECRETARIAT if status == EventStatus.CANCELLED else None,
        )
        # The last session falls on the planned day, earlier ones a week apart before it.
        for number in range(sessions):
            days_before = 7 * (sessions - 1 - number)
            session_start = (start_local - timedelta(days=days_before)).astimezone(UTC)
            event.sessions.append(
                EventSession(starts_at=session_start, ends_at=session_start + duration)
            )
        event.starts_at = event.sessions[0].starts_at
        event.ends_at = event.sessions[-1].ends_at
        db.session.add(event)
        db.session.flush()
        scheduled = audit.record(
            "event.scheduled",
            event,
            actor_label="sekretariat@vink.example.org",
            after={"starts_at": event.starts_at.isoformat()},
        )
        scheduled.at = min(event.starts_at - timedelta(days=14), self.now - timedelta(hours=1))
        if request is not None and status == EventStatus.PLANNED and index % 6 == 1:
            # "Skriv til alle", as the event's history keeps it.
            messaged = audit.record(
                "event.messaged",
                event,
                actor_label="sekretariat@vink.example.org",
                after={
                    "subject": "Husk navneskilte",
                    "body": "Kære alle\n\nTag gerne navneskilte med, så er det lettere at "
                    "tale sammen.",
                    "recipients": 1,
                    "to": [
                        {
                            "name": request.contact.name,
                            "email": request.contact.email,
                            "role": "requester",
                        }
                    ],
                },
            )
            messaged.at = scheduled.at + timedelta(hours=2)
        self._staff(event, persons, index)
        if status == EventStatus.HELD and day < self.today - timedelta(days=3):
            participants = request.expected_participants if request else 30
            students = kind.code == "dialogue"
            db.session.add(
                Attendance(
                    event=event,
                    students=participants - 2 if students else 0,
                    staff=2 if students else participants,
                    recorded_at=event.ends_at + timedelta(hours=20),
                )
            )
            self.counts["fremmøder"] += 1
            self._evaluations(event, request, participants, index)
            self._reflections(event)
        self.counts["arrangementer"] += 1
        return event

    def _evaluations(self, event, request, head_count, index):
        """What was answered about a held event: the requester was sent the link when the
        attendance was recorded and about 60 % answered; some participants answered (never more
        than came); now and then a few words, a couple of which looked like a name and were
        confirmed anyway (flagged: kept off exports)."""
        rng = self.answers_rng
        asked_at = event.ends_at + timedelta(hours=20)
        participants = rng.randint(0, min(head_count, 6))
        evaluation = EventEvaluation(event=event, participant_answers=participants)
        if request is not None:
            evaluation.requester_token = secrets.token_urlsafe(24)
            evaluation.requester_sent_at = asked_at
        db.session.add(evaluation)
        if request is not None and rng.random() < 0.6:
            given = {
                "overall": rng.choice([3, 4, 4, 5, 5]),
                "fit": rng.choice([2, 3, 4, 4, 5]),
                "again": rng.choice([1, 1, 1, 0]),
            }
            flagged = index % 10 == 7
            if flagged:
                given["worked"] = "Sara fra 8.b stillede gode spørgsmål, og klassen lyttede."
            elif rng.random() < 0.4:
                given["worked"] = rng.choice(EVALUATION_TEXTS["worked"])
            if rng.random() < 0.2:
                given["change"] = rng.choice(EVALUATION_TEXTS["change"])
            self._response(event, EvaluationAudience.REQUESTER, given, asked_at, flagged)
        for number in range(participants):
            given = {"overall": rng.choice([2, 3, 4, 4, 5, 5]), "learned": rng.choice([2, 3, 4, 5])}
            if rng.random() < 0.15:
                given["comment"] = rng.choice(EVALUATION_TEXTS["comment"])
            at = event.ends_at + timedelta(minutes=5 + number)
            self._response(event, EvaluationAudience.PARTICIPANT, given, at, False)

    def _reflections(self, event):
        """About half of those who came wrote how it went; a few asked the secretariat to
        follow up, which it has done but for the last half year's, still in "Kræver handling"."""
        rng = self.answers_rng
        for assignment in event.assignments:
            if assignment.status != AssignmentStatus.ACCEPTED or rng.random() < 0.5:
                continue
            follow_up = rng.random() < 0.15
            note = (
                rng.choice(EVALUATION_TEXTS["reflection"])
                if follow_up or rng.random() < 0.3
                else ""
            )
            written = event.ends_at + timedelta(hours=rng.randint(2, 30))
            db.session.add(
                Reflection(
                    assignment=assignment,
                    rating=rng.choice([3, 4, 4, 5, 5]) if not follow_up else 2,
                    note=note,
                    follow_up=follow_up,
                    submitted_at=written,
                    handled_at=written + timedelta(days=1)
                    if follow_up and event.ends_at < self.now - timedelta(days=200)
                    else None,
                )
            )
            self.counts["refleksioner"] += 1

    def _response(self, event, audience, given, at, flagged):
        response = EvaluationResponse(
            event=event, audience=audience, submitted_at=at, flagged=flagged
        )
        for key, value in given.items():
            question = self.questions.get((event.offer_kind_id, audience, key))
            if question is None:  # the admin removed a shipped question from this form
                continue
            response.answers.append(
                EvaluationAnswer(
                    question=question,
                    value=value if isinstance(value, int) else None,
                    text=value if isinstance(value, str) else "",
                )
            )
        db.session.add(response)
        self.counts["evalueringssvar"] += 1

    def _staff(self, event, persons, index):
        """Fill the seats: accepted where the event is settled, a mix of states where it is not."""
        future = event.starts_at > self.now
        for need in event.offer_kind.staffing_needs:
            candidates = [p for p in persons if need.seat_role in p.seat_roles and p.active]
            self.rng.shuffle(candidates)
            # The demo logins' persons are asked first, so "my page" has something to show.
            candidates.sort(key=lambda p: p.email not in self.featured)
            for seat in range(1, need.count + 1):
                person = self._free(candidates, event)
                if person is None:
                    continue
                candidates.remove(person)
                twist = (index + seat) % 6 if future else None
                if twist == 0:
                    # An open follow-up: someone declined, someone else is asked now.
                    self._assignment(event, person, need.seat_role, seat, AssignmentStatus.DECLINED)
                    other = self._free(candidates, event)
                    if other is not None:
                        candidates.remove(other)
                        self._assignment(
                            event, other, need.seat_role, seat, AssignmentStatus.OFFERED
                        )
                    continue
                if twist == 1:
                    self._assignment(event, person, need.seat_role, seat, AssignmentStatus.LAPSED)
                    continue
                if twist == 2:
                    self._assignment(event, person, need.seat_role, seat, AssignmentStatus.OFFERED)
                    continue
                status = AssignmentStatus.ACCEPTED
                if event.status == EventStatus.CANCELLED:
                    status = AssignmentStatus.WITHDRAWN
                self._assignment(event, person, need.seat_role, seat, status)

    def _free(self, candidates, event):
        buffer = timedelta(minutes=60)
        for person in candidates:
            if all(
                event.ends_at + buffer <= start or end + buffer <= event.starts_at
                for start, end in self.busy[person.id]
            ):
                return person
        return None

    def _assignment(self, event, person, role, seat, status):
        offered = min(event.starts_at - timedelta(days=10), self.now - timedelta(days=1))
        deadline = timedelta(hours=event.offer_kind.offer_deadline_hours)
        if status == AssignmentStatus.OFFERED:
            offered = self.now - deadline / 3  # still waiting for an answer
        elif status == AssignmentStatus.LAPSED:
            offered = self.now - deadline - timedelta(hours=5)  # the deadline has passed
        assignment = Assignment(
            event=event,
            person=person,
            seat_role=role,
            seat_number=seat,
            status=status,
            offered_at=offered,
            responded_at=None
            if status in (AssignmentStatus.OFFERED, AssignmentStatus.LAPSED)
            else offered + timedelta(hours=self.rng.randint(2, 40)),
            expires_at=offered + deadline,
            answer_token=secrets.token_urlsafe(32),
        )
        if status == AssignmentStatus.DECLINED:
            assignment.decline_reason = self.rng.choice(self.assignment_reasons)
        if status == AssignmentStatus.ACCEPTED:
            for session in event.sessions:
                self.busy[person.id].append((session.starts_at, session.ends_at))
        db.session.add(assignment)
        self.counts["tildelinger"] += 1

    def _own_talks(self, copy, persons):
        """VINK's own talks, with no request behind them."""
        for days, status, title in [
            (-100, EventStatus.HELD, "Temadag for SSP-konsulenter"),
            (-20, EventStatus.HELD, "Oplæg for nye medarbejdere i Børne- og Ungdomsforvaltningen"),
            (16, EventStatus.PLANNED, "Åbent forældremøde om unge og ekstremisme online"),
        ]:
            event = self._event(
                self.kinds["talk"],
                None,
                self.today + timedelta(days=days),
                status,
                persons,
                copy + days,
            )
            event.title = title

    # --- once, whatever the scale -------------------------------------------------------------
    def give_demo_logins_an_open_offer(self):
        """Each demo assignee has an offer waiting, so "my page" shows its answer buttons."""
        db.session.flush()
        for person in self.first_copy_persons:
            if person.email in self.featured:
                found = self._open_seat_for(person)
                if found is not None:
                    event, role, seat = found
                    self._assignment(event, person, role, seat, AssignmentStatus.OFFERED)

    def _open_seat_for(self, person):
        """(event, role, seat number) of a future seat nobody holds or is asked for, that the
        person is free for; latest events first."""
        events = db.session.scalars(
            db.select(Event)
            .where(Event.status == EventStatus.PLANNED, Event.starts_at > self.now)
            .order_by(Event.starts_at.desc())
        ).all()
        for event in events:
            if any(
                a.person_id == person.id and a.status in AssignmentStatus.live_states()
                for a in event.assignments
            ):
                continue
            if self._free([person], event) is None:
                continue
            for need in event.offer_kind.staffing_needs:
                if need.seat_role not in person.seat_roles:
                    continue
                taken = {
                    a.seat_number
                    for a in event.assignments
                    if a.seat_role == need.seat_role and a.status in AssignmentStatus.live_states()
                }
                for seat in range(1, need.count + 1):
                    if seat not in taken:
                        return event, need.seat_role, seat
        return None

    def add_year_data(self):
        year = self.today.year
        for target_year in (year - 1, year):
            for target in db.session.scalars(db.select(Target).where(Target.year == 2014)).all():
                if target_year != 2014:
                    db.session.add(
                        Target(year=target_year, metric=target.metric, value=target.value)
                    )
        first = school_year_start(self.today)
        for school_year in (first, first + 1):
            for name, starts_on, ends_on in school_holidays(school_year):
                db.session.add(
                    ClosedPeriod(
                        name=f"{name} {starts_on.year}",
                        kind=ClosedPeriodKind.SCHOOL_HOLIDAY,
                        starts_on=starts_on,
                        ends_on=ends_on,
                    )
                )
                self.counts["lukkeperioder"] += 1
        db.session.add(
            ClosedPeriod(
                name="VINK lukket: personaledag",
                kind=ClosedPeriodKind.CLOSURE,
                starts_on=self.today + timedelta(days=45),
                ends_on=self.today + timedelta(days=45),
            )
        )
        kinds = {k.code: k for k in db.session.scalars(db.select(SupportCourseKind))}
        # (days before today it started, kind, days it ran or None while it runs)
        for offset, code, ran in [
            (700, "mentor", 120),
            (650, "mentor", 200),
            (600, "parent_coaching", 90),
            (560, "mentor", 150),
            (520, "home_visit", 30),
            (480, "parent_coaching", 100),
            (450, "returnee", 180),
            (420, "mentor", 90),
            (400, "family_counselling", 60),
            (380, "parent_coaching", 120),
            (330, "mentor", 90),
            (300, "mentor", 120),
            (250, "parent_coaching", 90),
            (220, "home_visit", 14),
            (200, "mentor", 100),
            (150, "returnee", None),
            (120, "mentor", None),
            (90, "family_counselling", 45),
            (60, "parent_coaching", None),
            (40, "mentor", None),
            (20, "home_visit", None),
        ]:
            started = self.today - timedelta(days=offset)
            db.session.add(
                SupportCourse(
                    kind=kinds[code],
                    started_on=started,
                    ended_on=started + timedelta(days=ran) if ran else None,
                    district=self.districts[sorted(self.districts)[offset % len(self.districts)]],
                )
            )
            self.counts["støtteforløb"] += 1
        self._budget()
        db.session.flush()

    def _budget(self):
        """Handleplan VINK's two budget lines for this year and last, with a fee per held event
        on the operations line (fees and transport for the resource panel and ambassadors) and
        per support course started on the mentors line; and the funding history from 2010
        (the amounts of DOMAIN-DA.md; which committee or grant paid which year is demo data)."""
        course_kinds = {k.code: k for k in db.session.scalars(db.select(SupportCourseKind))}
        for year in (self.today.year - 1, self.today.year):
            if db.session.scalar(db.select(BudgetLine.id).where(BudgetLine.year == year)):
                continue
            operations = BudgetLine(
                year=year,
                name_da="Drift af VINK og resursepanelet",
                name_en="Running VINK and the resource panel",
                amount_ore=500_000_00,
                sort_order=1,
                source=FundingSource.BIU,
            )
            mentors = BudgetLine(
                year=year,
                name_da="Mentorer og forældrecoaches",
                name_en="Mentors and parent coaches",
                amount_ore=250_000_00,
                sort_order=2,
                source=FundingSource.BUDGET_AGREEMENT,
            )
            db.session.add_all([operations, mentors])
            for code, fee in [("talk", 3_500_00), ("dialogue", 1_500_00), ("advisory", 8_000_00)]:
                db.session.add(
                    EventFee(budget_line=operations, offer_kind=self.kinds[code], fee_ore=fee)
                )
            for code, fee in [("mentor", 25_000_00), ("parent_coaching", 15_000_00)]:
                if code in course_kinds:
                    db.session.add(
                        SupportCourseFee(budget_line=mentors, kind=course_kinds[code], fee_ore=fee)
                    )
        history = [(2010, FundingSource.BIU, 2_000_000_00), (2011, FundingSource.BIU, 500_000_00)]
        history += [(2012, FundingSource.BIU, 700_000_00), (2013, FundingSource.BIU, 500_000_00)]
        # The ministry's grant for mentors and parent coaching, 0.225 m a year until 2015.
        history += [(year, FundingSource.MINISTRY, 225_000_00) for year in range(2011, 2016)]
        for year, source, amount in history:
            name_da, name_en = (
                ("Ministeriets tilskud til mentorer og forældrecoaching", "The ministry's grant")
                if source == FundingSource.MINISTRY
                else ("Drift af VINK", "Running VINK")
            )
            if db.session.scalar(
                db.select(BudgetLine.id).where(
                    BudgetLine.year == year, BudgetLine.name_da == name_da
                )
            ):
                continue
            db.session.add(
                BudgetLine(
                    year=year, name_da=name_da, name_en=name_en, amount_ore=amount, source=source
                )
            )
