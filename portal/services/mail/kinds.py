"""Every kind of mail the portal sends: when it is sent and to whom, the placeholders its wording
may use, the link it must keep, the languages it is written in and its shipped wording."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from . import wording
from .placeholders import PLACEHOLDERS, event_page, request_page

LANGUAGES = ("da", "en")


@dataclass(frozen=True)
class MailKind:
    """One mail the portal sends."""

    kind: str
    title: object  # lazy: the mail's name in the admin's list
    sent_when: object  # lazy: when the portal sends it, and to whom
    placeholders: tuple  # names, in the order the editor lists them
    required: tuple = ("link",)
    link_help: object = None  # lazy: what {link} opens, for this mail
    languages: tuple = LANGUAGES
    wording: object = None  # () -> (subject, body) in the current locale, with placeholders
    # context -> the link, for a mail whose link is not in the context (else the
    # context's tracking_url, answer_url, attendance_url, evaluation_url or url)
    link_value: object = None
    editable: bool = True  # shown in the admin's list of mail texts
    # written by the mail worker when it sends it (mail.register_composer), from parameters
    composed: bool = False
    # the calendar invitation the mail carries for the context's event to its recipient:
    # "request" (add or update the entry) or "cancel" (remove it); see invitations.py
    invitation: str | None = None

    def placeholder_list(self):
        return [PLACEHOLDERS[name] for name in self.placeholders]


REQUESTER_WHEN = ("navn", "tilbud", "organisation", "dato", "tid", "sted", "tider_og_sted")
ASSIGNEE_WHEN = ("navn", "tilbud", "organisation", "dato", "tid", "sted", "tider_og_sted")
# The event's meeting link and practical information: in every mail about an event that is on
# (not in those saying it is cancelled or a seat is gone).
DETAILS = ("moedelink", "praktisk")
TRACKING_LINK = _l("Bestillerens personlige link til bestillingen")
EVALUATION_LINK = _l("Linket til evalueringen, som kan besvares én gang")
ANSWER_LINK = _l("Linket, hvor personen svarer ja eller nej med ét tryk")

KINDS = {
    k.kind: k
    for k in [
        MailKind(
            "request_receipt",
            _l("Kvittering for en bestilling"),
            _l("Til bestilleren, straks efter bestillingen er sendt."),
            ("navn", "tilbud", "organisation", "bestillingen", "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.request_receipt,
        ),
        MailKind(
            "instant_booking_receipt",
            _l("Kvittering for en direkte booking"),
            _l("Til bestilleren, straks efter de har booket en ledig tid direkte."),
            (*REQUESTER_WHEN, *DETAILS, "spurgte", "bestillingen", "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.instant_booking_receipt,
            invitation="request",
        ),
        MailKind(
            "concern_receipt",
            _l("Kvittering for en henvendelse om sparring"),
            _l("Til medarbejderen, straks efter henvendelsen om en bekymring er sendt."),
            ("navn", "tilbud", "telefon", "ring_senest", "tidspunkt", "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.concern_receipt,
        ),
        MailKind(
            "requester_request_declined",
            _l("Afslag på en bestilling"),
            _l("Til bestilleren, når sekretariatet afviser bestillingen."),
            ("navn", "tilbud", "organisation", "afslagsgrund", "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.requester_declined,
        ),
        MailKind(
            "requester_event_scheduled",
            _l("Datoen er fastlagt"),
            _l("Til bestilleren, når sekretariatet har planlagt arrangementet."),
            (*REQUESTER_WHEN, *DETAILS, "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.requester_event_scheduled,
            invitation="request",
        ),
        MailKind(
            "requester_event_staffed",
            _l("Det er aftalt, hvem der kommer"),
            _l("Til bestilleren, når alle pladser ved arrangementet er besat."),
            (*REQUESTER_WHEN, *DETAILS, "hvem", "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.requester_staffed,
        ),
        MailKind(
            "requester_instant_confirmed",
            _l("Den direkte bookede tid er bekræftet"),
            _l(
                "Til bestilleren, når alle pladser ved en direkte booket tid er besat. "
                "Kalenderaftalen er ikke længere foreløbig."
            ),
            (*REQUESTER_WHEN, *DETAILS, "hvem", "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.requester_instant_confirmed,
            invitation="request",
        ),
        MailKind(
            "requester_event_rescheduled",
            _l("Ændret tidspunkt eller sted (til bestilleren)"),
            _l("Til bestilleren, når sekretariatet flytter arrangementet."),
            (*REQUESTER_WHEN, *DETAILS, "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.requester_event_rescheduled,
            invitation="request",
        ),
        MailKind(
            "requester_event_reminder",
            _l("Påmindelse (til bestilleren)"),
            _l("Til bestilleren, to dage før arrangementet."),
            (*REQUESTER_WHEN, *DETAILS, "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.requester_reminder,
        ),
        MailKind(
            "requester_event_cancelled",
            _l("Aflysning (til bestilleren)"),
            _l("Til bestilleren, når sekretariatet aflyser arrangementet."),
            (*REQUESTER_WHEN, "aflysningsgrund", "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.requester_cancelled,
            invitation="cancel",
        ),
        MailKind(
            "requester_evaluation",
            _l("Hvordan gik det? (evaluering til bestilleren)"),
            _l("Til bestilleren, når fremmødet ved arrangementet er registreret."),
            ("navn", "tilbud", "organisation", "dato", "link", "kontakt"),
            link_help=EVALUATION_LINK,
            wording=wording.requester_evaluation,
        ),
        MailKind(
            "requester_evaluation_reminder",
            _l("Påmindelse om evalueringen (til bestilleren)"),
            _l(
                "Til bestilleren, en uge efter den første mail om evalueringen, hvis de ikke har "
                "svaret. Kun én gang."
            ),
            ("navn", "tilbud", "organisation", "dato", "link", "kontakt"),
            link_help=EVALUATION_LINK,
            wording=wording.requester_evaluation_reminder,
        ),
        MailKind(
            "assignee_offer",
            _l("Forespørgsel om en plads"),
            _l("Til en resurseperson eller ambassadør, der bliver spurgt om en plads."),
            (
                *ASSIGNEE_WHEN,
                *DETAILS,
                "arrangement",
                "rolle",
                "svarfrist",
                "flere_spurgt",
                "link",
                "kontakt",
            ),
            link_help=ANSWER_LINK,
            wording=wording.assignee_offer,
        ),
        MailKind(
            "assignee_offer_reminder",
            _l("Påmindelse om en forespørgsel"),
            _l(
                "Til den spurgte, når der ikke er svaret efter 48 timer, "
                "eller 12 timer før svarfristen, hvis den kommer før."
            ),
            (*ASSIGNEE_WHEN, *DETAILS, "arrangement", "rolle", "svarfrist", "link", "kontakt"),
            link_help=ANSWER_LINK,
            wording=wording.assignee_offer_reminder,
        ),
        MailKind(
            "assignee_offer_taken",
            _l("Pladsen er besat"),
            _l("Til de andre spurgte, når en har sagt ja til pladsen først."),
            ("navn", "tilbud", "dato", "tid", "kontakt"),
            required=(),
            wording=wording.assignee_offer_taken,
        ),
        MailKind(
            "assignee_offer_withdrawn",
            _l("Forespørgslen er trukket tilbage"),
            _l("Til den spurgte, når sekretariatet trækker forespørgslen tilbage."),
            ("navn", "tilbud", "dato", "tid", "kontakt"),
            required=(),
            wording=wording.assignee_offer_withdrawn,
        ),
        MailKind(
            "assignee_event_rescheduled",
            _l("Ændret tidspunkt eller sted (til de tilknyttede)"),
            _l("Til de spurgte og tilknyttede personer, når arrangementet flyttes."),
            (*ASSIGNEE_WHEN, *DETAILS, "kontakt"),
            required=(),
            wording=wording.assignee_rescheduled,
        ),
        MailKind(
            "assignee_event_reminder",
            _l("Påmindelse (til de tilknyttede)"),
            _l("Til de tilknyttede personer, to dage før arrangementet."),
            (*ASSIGNEE_WHEN, *DETAILS, "arrangement", "kontaktperson", "kontakt"),
            required=(),
            wording=wording.assignee_event_reminder,
        ),
        MailKind(
            "assignee_event_cancelled",
            _l("Aflysning (til de tilknyttede)"),
            _l("Til de spurgte og tilknyttede personer, når arrangementet aflyses."),
            (*ASSIGNEE_WHEN, "aflysningsgrund", "afslutning", "kontakt"),
            required=(),
            wording=wording.assignee_cancelled,
        ),
        MailKind(
            "assignee_attendance_reminder",
            _l("Hvor mange deltog?"),
            _l(
                "Til de tilknyttede personer, dagen efter et arrangement uden registreret fremmøde."
            ),
            ("navn", "tilbud", "dato", "link", "kontakt"),
            link_help=_l("Linket til fremmødeformularen (uden login)"),
            wording=wording.attendance_reminder,
        ),
        MailKind(
            "user_invitation",
            _l("Invitation til en ny bruger"),
            _l("Til en ny bruger, når en administrator opretter brugeren."),
            ("navn", "rolle", "timer", "link", "kontakt"),
            link_help=_l("Linket, hvor brugeren vælger sin adgangskode"),
            wording=wording.user_invitation,
        ),
        MailKind(
            "user_invitation_provider",
            _l("Invitation til en ny bruger, der logger ind via kommunens login"),
            _l(
                "Til en ny bruger, når en administrator opretter brugeren i en rolle, der skal "
                "logge ind via kommunens login."
            ),
            ("navn", "rolle", "kommunens_login", "link", "kontakt"),
            link_help=_l("Portalens side for log ind"),
            wording=wording.user_invitation_provider,
        ),
        MailKind(
            "user_password_link",
            _l("Link til ny adgangskode"),
            _l("Til en bruger, når en administrator sender et link til en ny adgangskode."),
            ("navn", "timer", "link", "kontakt"),
            link_help=_l("Linket, hvor brugeren vælger sin adgangskode"),
            wording=wording.user_password_link,
        ),
        MailKind(
            "user_password_reset",
            _l("Glemt adgangskode"),
            _l("Til en bruger, der har bedt om et link til at vælge en ny adgangskode."),
            ("navn", "minutter", "link", "kontakt"),
            link_help=_l("Linket, hvor brugeren vælger sin nye adgangskode"),
            composed=True,
            wording=wording.user_password_reset,
        ),
        MailKind(
            "user_second_factor_enrolled",
            _l("Totrinsbekræftelse slået til"),
            _l("Til en bruger, der lige har sat totrinsbekræftelse op."),
            ("navn", "kontakt"),
            required=(),
            wording=wording.user_second_factor_enrolled,
        ),
        MailKind(
            "user_second_factor_disabled",
            _l("Totrinsbekræftelse slået fra"),
            _l("Til en bruger, der lige har slået sin totrinsbekræftelse fra."),
            ("navn", "kontakt"),
            required=(),
            wording=wording.user_second_factor_disabled,
        ),
        MailKind(
            "user_recovery_codes_renewed",
            _l("Nye gendannelseskoder"),
            _l("Til en bruger, der lige har lavet nye gendannelseskoder."),
            ("navn", "kontakt"),
            required=(),
            wording=wording.user_recovery_codes_renewed,
        ),
        MailKind(
            "user_second_factor_reset",
            _l("Totrinsbekræftelse nulstillet"),
            _l("Til en bruger, når en administrator nulstiller brugerens totrinsbekræftelse."),
            ("navn", "kontakt"),
            required=(),
            wording=wording.user_second_factor_reset,
        ),
        MailKind(
            "tracking_links",
            _l("Glemt link"),
            _l("Til en bestiller, der har bedt om linkene til sine bestillinger igen."),
            ("links",),
            required=("links",),
            composed=True,
            wording=wording.tracking_links_text,
        ),
        MailKind(
            "secretariat_request_withdrawn",
            _l("Bestilling trukket tilbage (til sekretariatet)"),
            _l("Til sekretariatets fælles adresse, når en bestiller trækker bestillingen tilbage."),
            (
                "bestiller",
                "nummer",
                "tilbud",
                "organisation",
                "tilbagetrækningsgrund",
                "aflyst",
                "link",
            ),
            link_help=_l("Henvendelsens side i sekretariatets del af portalen"),
            link_value=request_page,
            languages=("da",),
            wording=wording.secretariat_withdrawn,
        ),
        MailKind(
            "secretariat_dates_proposed",
            _l("Nye datoer ønsket (til sekretariatet)"),
            _l("Til sekretariatets fælles adresse, når en bestiller beder om en anden dato."),
            ("bestiller", "nummer", "tilbud", "organisation", "forslag", "besked", "link"),
            link_help=_l("Henvendelsens side i sekretariatets del af portalen"),
            link_value=request_page,
            languages=("da",),
            wording=wording.secretariat_dates_proposed,
        ),
        MailKind(
            "secretariat_seat_claimed",
            _l("Ønsker en plads (til sekretariatet)"),
            _l(
                "Til sekretariatets fælles adresse, når en person tager en ledig plads, der skal "
                "godkendes."
            ),
            (
                "person",
                "rolle",
                "tilbud",
                "organisation",
                "hos_organisation",
                "dato",
                "tid",
                "link",
            ),
            link_help=_l("Arrangementets side, hvor pladsen godkendes"),
            link_value=event_page,
            languages=("da",),
            wording=wording.secretariat_seat_claimed,
        ),
        MailKind(
            "assignee_request_changed",
            _l("Bestillingen er ændret (til de tilknyttede)"),
            _l(
                "Til de spurgte og tilknyttede personer, når bestilleren ændrer noget ved et "
                "planlagt arrangement, der angår dem."
            ),
            (*ASSIGNEE_WHEN, *DETAILS, "arrangement", "aendringer", "kontakt"),
            required=("aendringer",),
            wording=wording.assignee_request_changed,
        ),
        MailKind(
            "requester_email_confirm",
            _l("Bekræft ny e-mailadresse"),
            _l("Til den nye adresse, når bestilleren vil have mails et andet sted hen."),
            ("navn", "tilbud", "organisation", "timer", "link", "kontakt"),
            link_help=_l("Linket, der bekræfter den nye adresse"),
            wording=wording.requester_email_confirm,
        ),
        MailKind(
            "requester_request_withdrawn",
            _l("Kvittering for en tilbagetrækning"),
            _l(
                "Til bestilleren, når bestilleren har trukket sin bestilling eller henvendelse "
                "tilbage. Var et arrangement planlagt, fjerner mailen det fra kalenderen."
            ),
            ("navn", "tilbud", "organisation", "aflyst", "link", "kontakt"),
            link_help=TRACKING_LINK,
            wording=wording.requester_withdrawn,
            invitation="cancel",
        ),
        MailKind(
            "requester_request_changed",
            _l("Bestillingen er ændret (til bestilleren)"),
            _l(
                "Til bestilleren, når bestilleren eller sekretariatet har ændret bestillingen, "
                "med arrangementet, hvis det er planlagt. Flytter ændringen arrangementet, "
                "opdaterer mailen kalenderen."
            ),
            (
                "navn",
                "tilbud",
                "organisation",
                "aendringer",
                "planlagt",
                *DETAILS,
                "link",
                "kontakt",
            ),
            required=("aendringer", "link"),
            link_help=TRACKING_LINK,
            wording=wording.requester_request_changed,
            invitation="request",
        ),
        MailKind(
            "requester_email_changed",
            _l("Ny e-mailadresse (til den gamle adresse)"),
            _l(
                "Til bestillerens gamle adresse, når en ny adresse er bekræftet. Er et "
                "arrangement planlagt, fjerner mailen det fra den gamle adresses kalender."
            ),
            ("navn", "tilbud", "organisation", "ny_adresse", "kontakt"),
            required=("ny_adresse",),
            wording=wording.requester_email_changed,
            invitation="cancel",
        ),
        MailKind(
            "event_message",
            _l("Besked til alle ved et arrangement"),
            _l("Til bestilleren og de tilknyttede, når sekretariatet skriver til dem alle."),
            (
                "emne",
                "tilbud",
                "dato",
                "tekst",
                "arrangement",
                "tider_og_sted",
                *DETAILS,
                "bestillingslink",
                "kontakt",
            ),
            required=(),
            wording=wording.event_message,
            editable=False,
        ),
    ]
}


def mail_kind(kind, language):
    """The MailKind, or None when there is no such mail in that language."""
    found = KINDS.get(kind)
    return found if found is not None and language in found.languages else None
