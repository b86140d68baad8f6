"""Danish (and, through Babel, English) words for every enum value shown in the UI."""

from flask_babel import lazy_gettext as _l

from .models.enums import (
    AssignmentStatus,
    Audience,
    BookingForm,
    EventStatus,
    Metric,
    OrganisationKind,
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
    },
    SeatRole: {
        SeatRole.RESOURCE_PERSON: _l("Resurseperson"),
        SeatRole.AMBASSADOR: _l("Dialogambassadør"),
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
}


def label(value):
    """The UI word for an enum value (any other value is shown as it is)."""
    return LABELS.get(type(value), {}).get(value, value)


def init_app(app):
    app.jinja_env.filters["label"] = label
