"""Danish (and, through Babel, English) words for every enum value shown in the UI."""

from flask_babel import lazy_gettext as _l

from .event_details import cancel_reason
from .models.enums import (
    Administration,
    AnswerKind,
    AssignmentStatus,
    Audience,
    BookingForm,
    CallbackTime,
    CancelledBy,
    ClosedPeriodKind,
    ConcernKind,
    DeclineReasonScope,
    EvaluationAudience,
    EventStatus,
    FundingSource,
    Metric,
    OrganisationKind,
    OutboxStatus,
    RequestStatus,
    Role,
    SeatRole,
)

# Keyed by enum class first: RequestStatus.DECLINED and AssignmentStatus.DECLINED are equal
# strings, yet "Afvist" and "Afslået" are different words.
LABELS = {
    RequestStatus: {
        RequestStatus.SUBMITTED: _l("Modtaget"),
        RequestStatus.PLANNING: _l("Under planlægning"),
        RequestStatus.PLANNED: _l("Planlagt"),
        RequestStatus.DECLINED: _l("Afvist"),
        RequestStatus.WITHDRAWN: _l("Trukket tilbage"),
        RequestStatus.COUNSELLED: _l("Sparring givet"),
    },
    EventStatus: {
        EventStatus.PLANNED: _l("Planlagt"),
        EventStatus.HELD: _l("Afholdt"),
        EventStatus.CANCELLED: _l("Aflyst"),
    },
    AssignmentStatus: {
        AssignmentStatus.OFFERED: _l("Forespurgt"),
        AssignmentStatus.ACCEPTED: _l("Accepteret"),
        AssignmentStatus.DECLINED: _l("Afslået"),
        AssignmentStatus.LAPSED: _l("Udløbet"),
        AssignmentStatus.WITHDRAWN: _l("Trukket tilbage"),
    },
    BookingForm: {
        BookingForm.CLASS: _l("En skoleklasse: klassetrin og antal elever"),
        BookingForm.ADULTS: _l("Voksne: hvem de er, og hvor mange"),
        BookingForm.CONCERN: _l("Sparring om en bekymring: en medarbejder vil ringes op"),
    },
    ConcernKind: {
        ConcernKind.RELIGIOUS: _l("Religiøst begrundet ekstremisme"),
        ConcernKind.RIGHT_WING: _l("Højreekstremisme"),
        ConcernKind.LEFT_WING: _l("Venstreekstremisme"),
        ConcernKind.ONLINE: _l("Konspirationsteorier eller ekstreme miljøer på nettet"),
        ConcernKind.CONFLICT: _l("Konflikter eller polarisering mellem grupper"),
        ConcernKind.UNSURE: _l("Ved ikke, eller andet"),
    },
    Administration: {
        Administration.BUF: _l("Børne- og Ungdomsforvaltningen"),
        Administration.SOF: _l("Socialforvaltningen"),
        Administration.KFF: _l("Kultur- og Fritidsforvaltningen"),
        Administration.BIF: _l("Beskæftigelses- og Integrationsforvaltningen"),
        Administration.SUF: _l("Sundheds- og Omsorgsforvaltningen"),
        Administration.TMF: _l("Teknik- og Miljøforvaltningen"),
        Administration.OKF: _l("Økonomiforvaltningen"),
        Administration.OTHER: _l("Andet, fx en selvejende institution"),
    },
    CallbackTime: {
        CallbackTime.MORNING: _l("Formiddag, kl. 9-12"),
        CallbackTime.AFTERNOON: _l("Eftermiddag, kl. 12-15"),
        CallbackTime.ANY: _l("Når som helst i dagtimerne"),
    },
    SeatRole: {
        SeatRole.RESOURCE_PERSON: _l("Resurseperson"),
        SeatRole.AMBASSADOR: _l("Dialogambassadør"),
    },
    CancelledBy: {
        CancelledBy.SECRETARIAT: _l("Sekretariatet"),
        CancelledBy.REQUESTER: _l("Bestilleren"),
    },
    Role: {
        Role.ADMIN: _l("Administrator"),
        Role.SECRETARIAT: _l("Sekretariatet"),
        Role.ASSIGNEE: _l("Resurseperson / dialogambassadør"),
    },
    OrganisationKind: {
        OrganisationKind.SCHOOL: _l("Skole"),
        OrganisationKind.UPPER_SECONDARY: _l("Ungdomsuddannelse"),
        OrganisationKind.NGO: _l("NGO / forening"),
        OrganisationKind.SSP: _l("SSP"),
        OrganisationKind.DKA: _l("DKA (Politiets kriminalpræventive afdeling)"),
        OrganisationKind.PSP: _l("PSP (politi, socialforvaltning og psykiatri)"),
        OrganisationKind.ADMINISTRATION: _l("Forvaltning"),
        OrganisationKind.MUNICIPAL: _l("Kommunal enhed"),
        OrganisationKind.OTHER: _l("Andet"),
    },
    Audience: {
        Audience.STUDENTS: _l("Elever"),
        Audience.STAFF: _l("Personale"),
        Audience.VOLUNTEERS: _l("Frivillige"),
        Audience.PARENTS: _l("Forældre"),
        Audience.MIXED: _l("Blandet"),
    },
    Metric: {
        Metric.TALKS_HELD: _l("Vidensoplæg afholdt"),
        Metric.TALK_PARTICIPANTS: _l("Deltagere ved vidensoplæg"),
        Metric.ADVISORY_COURSES: _l("Rådgivningsforløb ved resursepersoner"),
        Metric.DIALOGUES_HELD: _l("Ung-til-ung dialoger afholdt"),
        Metric.DIALOGUE_STUDENTS: _l("Elever nået med dialoger"),
        Metric.MENTOR_COURSES: _l("Mentorforløb"),
        Metric.PARENT_COACHING_COURSES: _l("Forældrecoachingforløb"),
        Metric.SSP_REQUESTS: _l("Henvendelser fra SSP"),
    },
    FundingSource: {
        FundingSource.BIU: _l("BIU"),
        FundingSource.MINISTRY: _l("Ministeriets tilskud"),
        FundingSource.BUDGET_AGREEMENT: _l("Budgetaftale"),
        FundingSource.OTHER: _l("Anden kilde"),
    },
    AnswerKind: {
        AnswerKind.SCALE: _l("Skala fra 1 til 5"),
        AnswerKind.YES_NO: _l("Ja eller nej"),
        AnswerKind.TEXT: _l("Tekst"),
    },
    EvaluationAudience: {
        EvaluationAudience.REQUESTER: _l("Bestilleren"),
        EvaluationAudience.PARTICIPANT: _l("Deltagerne"),
    },
}


def kind_held_label(name):
    """The title of an offer kind's own target for events held (an offer kind an admin added)."""
    return _l("%(kind)s afholdt", kind=name)


def kind_participants_label(name):
    """The title of an offer kind's own target for participants."""
    return _l("Deltagere ved %(kind)s", kind=name)


def who_is_asked(offer_kind):
    """Who a direkte booking waits for, for the requester: "dialogambassadørerne" for a kind
    staffed by ambassadors alone, the resource person or persons for one staffed by them."""
    roles = {need.seat_role: need.count for need in offer_kind.staffing_needs}
    if set(roles) == {SeatRole.AMBASSADOR}:
        return (
            _l("dialogambassadøren")
            if roles[SeatRole.AMBASSADOR] == 1
            else _l("dialogambassadørerne")
        )
    if set(roles) == {SeatRole.RESOURCE_PERSON}:
        return (
            _l("ressourcepersonen")
            if roles[SeatRole.RESOURCE_PERSON] == 1
            else _l("ressourcepersonerne")
        )
    return _l("dem, der skal komme")


# A class's grade is stored as the Danish word the booking form offers; shown through Babel.
GRADES = {
    "7. klasse": _l("7. klasse"),
    "8. klasse": _l("8. klasse"),
    "9. klasse": _l("9. klasse"),
    "10. klasse": _l("10. klasse"),
    "1.g": _l("1.g"),
    "2.g": _l("2.g"),
    "3.g": _l("3.g"),
    "HF": "HF",
    "EUD": "EUD",
}


def grade_label(grade):
    return GRADES.get(grade, grade)


# Every audit action in words: the log and a request's or event's history say what happened.
ACTIONS = {
    "request.submitted": _l("Henvendelsen er modtaget"),
    "request.withdrawn": _l("Bestilleren trak henvendelsen tilbage"),
    "request.dates_proposed": _l("Bestilleren foreslog nye datoer"),
    "request.planning": _l("Markeret som under planlægning"),
    "request.planned": _l("Markeret som planlagt"),
    "request.declined": _l("Afvist"),
    "request.counselled": _l("Sparring givet (samtale holdt)"),
    "request.changed": _l("Bestillingen er ændret"),
    "request.change_seen": _l("Bestillerens ændring er set"),
    "request.email_changed": _l("Ny e-mailadresse bekræftet"),
    "organisation.merged": _l("Organisationer slået sammen"),
    "event.scheduled": _l("Arrangementet er planlagt"),
    "event.rescheduled": _l("Tid eller sted ændret"),
    "event.confirmed": _l("Alle har sagt ja: den direkte bookede tid er bekræftet"),
    "event.cancelled": _l("Aflyst"),
    "event.held": _l("Afholdt"),
    "event.messaged": _l("Besked sendt til alle"),
    "assignment.offered": _l("Forespørgsel sendt"),
    "assignment.accepted": _l("Forespørgsel accepteret"),
    "assignment.declined": _l("Forespørgsel afslået"),
    "assignment.withdrawn": _l("Forespørgsel trukket tilbage"),
    "assignment.lapsed": _l("Forespørgsel udløbet"),
    "assignment.chained": _l("Pladsen sendt videre til næste forslag"),
    "assignment.claimed": _l("Ønsker pladsen (fra ledige pladser)"),
    "attendance.recorded": _l("Fremmøde registreret"),
    "attendance.corrected": _l("Fremmøde rettet"),
    "evaluation.answered": _l("Bestilleren har evalueret arrangementet"),
    "reflection.saved": _l("Refleksion gemt"),
    "reflection.handled": _l("Refleksionen er fulgt op"),
    "availability.added": _l("Tilgængelighed tilføjet"),
    "availability.removed": _l("Tilgængelighed fjernet"),
    "away.added": _l("Fravær tilføjet"),
    "contact.anonymised": _l("Kontaktperson anonymiseret"),
    "person.created": _l("Person oprettet"),
    "person.changed": _l("Person ændret"),
    "person.deactivated": _l("Person deaktiveret"),
    "person.reactivated": _l("Person genaktiveret"),
    "person.calendar_link_renewed": _l("Nyt kalenderlink"),
    "user.created": _l("Bruger oprettet"),
    "user.invited": _l("Bruger inviteret"),
    "user.role_changed": _l("Rolle ændret"),
    "user.deactivated": _l("Bruger deaktiveret"),
    "user.reactivated": _l("Bruger genaktiveret"),
    "user.password_changed": _l("Adgangskode ændret"),
    "user.password_chosen": _l("Adgangskode valgt fra et link"),
    "user.password_link_sent": _l("Link til ny adgangskode sendt"),
    "user.provider_linked": _l("Knyttet til arbejdskontoen ved første login"),
    "user.second_factor_enrolled": _l("Totrinsbekræftelse sat op"),
    "user.second_factor_used": _l("Logget ind med totrinsbekræftelse"),
    "user.recovery_code_used": _l("Logget ind med en gendannelseskode"),
    "user.second_factor_reset": _l("Totrinsbekræftelse nulstillet"),
    "user.break_glass_used": _l("Nødadgang brugt: logget ind med adgangskode"),
    "sign_in.rules_changed": _l("Regler for log ind ændret"),
    "user.second_factor_disabled": _l("Totrinsbekræftelse slået fra"),
    "user.recovery_codes_renewed": _l("Nye gendannelseskoder lavet"),
    "user.password_reset_sent": _l("Link til ny adgangskode sendt efter ønske (Glemt adgangskode)"),
    "closed_period.added": _l("Lukkeperiode tilføjet"),
    "closed_period.deleted": _l("Lukkeperiode slettet"),
    "decline_reason.added": _l("Begrundelse tilføjet"),
    "decline_reason.shown": _l("Begrundelse vist igen"),
    "decline_reason.hidden": _l("Begrundelse skjult"),
    "topic.added": _l("Emne tilføjet"),
    "topic.updated": _l("Emne ændret"),
    "topic.shown": _l("Emne vist igen"),
    "topic.hidden": _l("Emne skjult"),
    "ssp_committee.added": _l("SSP-udvalg tilføjet"),
    "organisation.committee_set": _l("SSP-udvalg sat på organisationen"),
    "ssp_committee.updated": _l("SSP-udvalg ændret"),
    "ssp_committee.shown": _l("SSP-udvalg vist igen"),
    "ssp_committee.hidden": _l("SSP-udvalg skjult"),
    "offer_kind.added": _l("Tilbud tilføjet"),
    "offer_kind.updated": _l("Tilbud ændret"),
    "offer_kind.shown": _l("Tilbud vist igen"),
    "offer_kind.hidden": _l("Tilbud skjult"),
    "support_course_kind.added": _l("Type af støtteforløb tilføjet"),
    "support_course_kind.shown": _l("Type af støtteforløb vist igen"),
    "support_course_kind.hidden": _l("Type af støtteforløb skjult"),
    "support_course.recorded": _l("Støtteforløb registreret"),
    "support_course.ended": _l("Støtteforløb afsluttet"),
    "evaluation_question.added": _l("Evalueringsspørgsmål tilføjet"),
    "evaluation_question.updated": _l("Evalueringsspørgsmål rettet"),
    "evaluation_question.shown": _l("Evalueringsspørgsmål vist igen"),
    "evaluation_question.hidden": _l("Evalueringsspørgsmål skjult"),
    "evaluation_question.moved": _l("Evalueringsspørgsmål flyttet"),
    "evaluation_question.deleted": _l("Evalueringsspørgsmål slettet"),
    "budget_line.added": _l("Budgetlinje tilføjet"),
    "budget_line.updated": _l("Budgetlinje rettet"),
    "budget_line.deleted": _l("Budgetlinje slettet"),
    "event_fee.set": _l("Takst sat"),
    "course_fee.set": _l("Takst pr. støtteforløb sat"),
    "targets.changed": _l("Mål ændret"),
    "targets.copied": _l("Mål kopieret fra sidste år"),
    "kind_targets.changed": _l("Mål for et tilbud ændret"),
    "demo_data.loaded": _l("Demodata indlæst"),
    "email_text.saved": _l("E-mailtekst gemt"),
    "email_text.reset": _l("E-mailtekst sat tilbage til standardteksten"),
}
# What an audit entry is about (its table).
OBJECT_TYPES = {
    "requests": _l("Henvendelse"),
    "organisations": _l("Organisation"),
    "events": _l("Arrangement"),
    "assignments": _l("Forespørgsel"),
    "attendances": _l("Fremmøde"),
    "availability_rules": _l("Tilgængelighed"),
    "away_periods": _l("Fravær"),
    "contacts": _l("Kontaktperson"),
    "persons": _l("Person"),
    "users": _l("Bruger"),
    "closed_periods": _l("Lukkeperiode"),
    "decline_reasons": _l("Begrundelse for afslag"),
    "topics": _l("Emne"),
    "ssp_committees": _l("SSP-udvalg"),
    "offer_kinds": _l("Tilbud"),
    "support_course_kinds": _l("Type af støtteforløb"),
    "support_courses": _l("Støtteforløb"),
    "budget_lines": _l("Budgetlinje"),
    "evaluation_questions": _l("Evalueringsspørgsmål"),
    "event_fees": _l("Takst"),
    "support_course_fees": _l("Takst pr. støtteforløb"),
    "targets": _l("Mål"),
    "email_templates": _l("E-mailtekst"),
    "sign_in_rules": _l("Regler for log ind"),
}
# Who acted, when it was not a user.
ACTORS = {"requester": _l("Bestilleren"), "system": _l("Portalen")}


def action_label(action):
    return ACTIONS.get(action, action)


def object_label(object_type):
    return OBJECT_TYPES.get(object_type, object_type)


def actor_label(stored):
    """An entry's actor: a user's email as stored, or the word for the requester or the portal."""
    return ACTORS.get(stored, stored)


def actor_code(typed):
    """What the log's "who" filter searches for: the stored label when a word for one is typed."""
    folded = (typed or "").strip().casefold()
    for code, word in ACTORS.items():
        if folded in (code, str(word).casefold()):
            return code
    return typed


def label(value):
    """The UI word for an enum value (any other value is shown as it is)."""
    return LABELS.get(type(value), {}).get(value, value)


# The enums templates compare with (`a.status == AssignmentStatus.ACCEPTED`), never their values.
TEMPLATE_ENUMS = (
    AnswerKind,
    AssignmentStatus,
    BookingForm,
    ClosedPeriodKind,
    DeclineReasonScope,
    EventStatus,
    OutboxStatus,
    RequestStatus,
    SeatRole,
)


def init_app(app):
    app.jinja_env.globals.update({enum.__name__: enum for enum in TEMPLATE_ENUMS})
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["grade"] = grade_label
    app.jinja_env.filters["action_label"] = action_label
    app.jinja_env.filters["object_label"] = object_label
    app.jinja_env.filters["actor_label"] = actor_label
    # Why an event was cancelled, in the page's language (event_details.cancel_reason).
    app.jinja_env.filters["cancel_reason"] = cancel_reason
    app.jinja_env.filters["who_is_asked"] = who_is_asked
