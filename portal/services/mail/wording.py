"""The shipped wording of every mail, written once, in placeholder form: a function per mail that
returns (subject, body) in the current locale. Filling it in (`filling.fill`) gives the mail; an
admin's edited text, when there is one, is filled in the same way instead."""

from flask_babel import gettext as _


def _lines(*lines):
    return "\n".join(lines)


def _signature():
    return _lines(_("Med venlig hilsen"), _("VINK, Københavns Kommune"), "{kontakt}")


def _short_signature():
    return _lines(_("Med venlig hilsen"), _("VINK, Københavns Kommune"))


SUBJECT_ORG = {"offer": "{tilbud}", "org": "{organisation}"}
SUBJECT_WHEN = {"offer": "{tilbud}", "when": "{dato} {tid}"}


def request_receipt():
    return _("Kvittering: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _(
            "Tak for jeres bestilling hos VINK. Vi har modtaget den, og sekretariatet vender "
            "tilbage, typisk inden for en uge."
        ),
        "",
        _("Følg bestillingen her:"),
        "{link}",
        "",
        _(
            "Linket er personligt. Del det kun med dem, der skal kunne se og ændre bestillingen. "
            "På siden kan I se status, rette bestillingen, bede om en anden dato eller trække "
            "bestillingen tilbage."
        ),
        "",
        _("Det har I bestilt"),
        "{bestillingen}",
        "",
        _signature(),
    )


def instant_booking_receipt():
    return _("Tiden er reserveret: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _("Tak for jeres bestilling hos VINK. Tiden er reserveret:"),
        "",
        "{tider_og_sted}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        _(
            "Vi har spurgt %(asked)s. I får besked, når de har sagt ja. Indtil da står tiden "
            "som foreløbig i jeres kalender.",
            asked="{spurgte}",
        ),
        "",
        _("Følg bestillingen her:"),
        "{link}",
        "",
        _("Linket er personligt. Del det kun med dem, der skal kunne se og ændre bestillingen."),
        "",
        _("Det har I bestilt"),
        "{bestillingen}",
        "",
        _signature(),
    )


def concern_receipt():
    return _("Kvittering: %(offer)s", offer="{tilbud}"), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _(
            "Tak fordi du henvendte dig til VINK. Vi ringer dig op på %(phone)s senest "
            "%(day)s, %(when)s.",
            phone="{telefon}",
            day="{ring_senest}",
            when="{tidspunkt}",
        ),
        "",
        _("Du kan se din henvendelse og trække den tilbage her:"),
        "{link}",
        "",
        _("Linket er personligt. Del det ikke."),
        "",
        _("Hvis du mener, at nogen er i akut fare, så ring 112."),
        "",
        _signature(),
    )


def requester_declined():
    return _("Svar på jeres bestilling: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _("Sekretariatet kan desværre ikke imødekomme bestillingen."),
        _("Begrundelse:") + " {afslagsgrund}",
        "",
        _("Se bestillingen her:"),
        "{link}",
        "",
        _signature(),
    )


def _requester_event(subject, intro, follow):
    return subject, _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        intro,
        "",
        "{tider_og_sted}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        follow,
        "{link}",
        "",
        _signature(),
    )


def requester_event_scheduled():
    return _requester_event(
        _("Datoen er fastlagt: %(offer)s for %(org)s", **SUBJECT_ORG),
        _("Datoen for jeres bestilling er fastlagt:"),
        _("Vi skriver igen, når det er aftalt, hvem der kommer. Følg bestillingen her:"),
    )


def requester_event_rescheduled():
    return _requester_event(
        _("Ændret tidspunkt eller sted: %(offer)s for %(org)s", **SUBJECT_ORG),
        _("Tidspunktet eller stedet for jeres bestilling er ændret. Det gælder nu:"),
        _("Følg bestillingen her:"),
    )


def _who_comes(subject, intro):
    return subject, _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        intro,
        "{hvem}",
        "",
        "{tider_og_sted}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        _("Følg bestillingen her:"),
        "{link}",
        "",
        _signature(),
    )


def requester_staffed():
    return _who_comes(
        _("Det er aftalt, hvem der kommer: %(offer)s for %(org)s", **SUBJECT_ORG),
        _("Nu er det aftalt, hvem der kommer:"),
    )


def requester_instant_confirmed():
    return _who_comes(
        _("Tiden er bekræftet: %(offer)s for %(org)s", **SUBJECT_ORG),
        _("Alle har sagt ja, så tiden er bekræftet. Det er dem, der kommer:"),
    )


def requester_cancelled():
    return _("Aflyst: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _("Vi har desværre måttet aflyse arrangementet %(when)s.", when="{dato} {tid}"),
        "{aflysningsgrund}",
        "",
        _("Sekretariatet kontakter jer om en ny dato. Følg bestillingen her:"),
        "{link}",
        "",
        _signature(),
    )


def requester_reminder():
    return _requester_event(
        _("Påmindelse: %(offer)s %(when)s", **SUBJECT_WHEN),
        _("Om to dage kommer VINK til jer:"),
        _("Se, hvem der kommer:"),
    )


def requester_evaluation():
    return _("Hvordan gik det? %(offer)s %(when)s", offer="{tilbud}", when="{dato}"), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _(
            "Tak, fordi I bestilte %(offer)s hos VINK %(when)s. Vi vil gerne høre, hvordan det "
            "gik: nogle få korte spørgsmål, som tager et par minutter. Svarene hjælper os med at "
            "blive bedre.",
            offer="{tilbud}",
            when="{dato}",
        ),
        "",
        _("Svar her (I kan svare én gang):"),
        "{link}",
        "",
        _signature(),
    )


def requester_evaluation_reminder():
    return _("Påmindelse: Hvordan gik det? %(offer)s %(when)s", offer="{tilbud}", when="{dato}"), (
        _lines(
            _("Kære %(name)s", name="{navn}"),
            "",
            _(
                "For en uge siden bad vi jer fortælle, hvordan arrangementet gik. Har I et par "
                "minutter, vil vi stadig gerne høre det. Det er sidste gang, vi spørger."
            ),
            "",
            _("Svar her (I kan svare én gang):"),
            "{link}",
            "",
            _signature(),
        )
    )


def assignee_offer():
    return _("Svar ønskes: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _("Vil du være %(role)s ved dette arrangement?", role="{rolle}"),
        "- {arrangement}",
        "",
        "{tider_og_sted}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        "{flere_spurgt}",
        "",
        _(
            "Åbn linket, og tryk »%(yes)s« eller »%(no)s« (linket virker, til forespørgslen "
            "udløber %(when)s):",
            yes=_("Ja, jeg kommer"),
            no=_("Nej, jeg kan ikke"),
            when="{svarfrist}",
        ),
        "{link}",
        "",
        _signature(),
    )


def assignee_offer_reminder():
    return _("Svar ønskes: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _(
            "Vi mangler dit svar på forespørgslen om at være %(role)s ved dette arrangement:",
            role="{rolle}",
        ),
        "- {arrangement}",
        "",
        "{tider_og_sted}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        _(
            "Åbn linket, og tryk »%(yes)s« eller »%(no)s«, senest %(when)s:",
            yes=_("Ja, jeg kommer"),
            no=_("Nej, jeg kan ikke"),
            when="{svarfrist}",
        ),
        "{link}",
        "",
        _signature(),
    )


def _assignee_short(subject, text):
    return subject, _lines(_("Hej %(name)s", name="{navn}"), "", text, "", _signature())


def assignee_offer_taken():
    return _assignee_short(
        _("Pladsen er besat: %(offer)s %(when)s", **SUBJECT_WHEN),
        _(
            "En anden sagde ja først, så du skal ikke svare på forespørgslen. Tak fordi du "
            "var klar."
        ),
    )


def assignee_offer_withdrawn():
    return _assignee_short(
        _("Forespørgslen er trukket tilbage: %(offer)s %(when)s", **SUBJECT_WHEN),
        _("Sekretariatet har trukket forespørgslen tilbage. Du skal ikke komme."),
    )


def assignee_cancelled():
    return _("Aflyst: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _(
            "Arrangementet %(when)s, %(place)s, er aflyst. Du skal ikke komme.",
            when="{dato} {tid}",
            place="{sted}",
        ),
        "",
        "{aflysningsgrund}",
        "",
        "{afslutning}",
        "",
        _signature(),
    )


def assignee_rescheduled():
    return _("Ændret tidspunkt eller sted: %(offer)s", offer="{tilbud}"), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _("Arrangementet, du er tilknyttet, er ændret. Det gælder nu:"),
        "",
        "{tider_og_sted}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        _("Kan du ikke længere, så skriv til sekretariatet hurtigst muligt."),
        "",
        _signature(),
    )


def assignee_event_reminder():
    return _("Påmindelse: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _("Om to dage er du med her:"),
        "- {arrangement}",
        "",
        "{tider_og_sted}",
        "{moedelink}",
        "{kontaktperson}",
        "",
        "{praktisk}",
        "",
        _("Kan du ikke alligevel, så skriv til sekretariatet hurtigst muligt."),
        "",
        _signature(),
    )


def attendance_reminder():
    return _("Hvor mange deltog? %(offer)s %(when)s", offer="{tilbud}", when="{dato}"), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _(
            "Tak for din indsats. Skriv, hvor mange der deltog, så tæller arrangementet med i "
            "VINKs opgørelse. Det tager et minut, og du skal ikke logge ind:"
        ),
        "{link}",
        "",
        _signature(),
    )


def user_invitation():
    return _("Du er inviteret til VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _(
            "Du er oprettet som bruger af VINKs bookingportal (%(role)s). Vælg din adgangskode "
            "her:",
            role="{rolle}",
        ),
        "",
        "{link}",
        "",
        _(
            "Linket virker én gang og i %(hours)s timer. Er det udløbet, kan en administrator "
            "sende et nyt.",
            hours="{timer}",
        ),
        _("Har du ikke ventet denne mail, kan du se bort fra den."),
        "",
        _signature(),
    )


def user_invitation_provider():
    return _("Du er inviteret til VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _(
            "Du er oprettet som bruger af VINKs bookingportal (%(role)s). Du logger ind med din "
            "arbejdskonto, ikke med en adgangskode til portalen: gå til siden her, og vælg »Log "
            "ind med %(provider)s«:",
            role="{rolle}",
            provider="{kommunens_login}",
        ),
        "",
        "{link}",
        "",
        _("Har du ikke ventet denne mail, kan du se bort fra den."),
        "",
        _signature(),
    )


def assignee_request_changed():
    return _("Ændret bestilling: %(offer)s %(when)s", **SUBJECT_WHEN), _lines(
        _("Hej %(name)s", name="{navn}"),
        "",
        _("Bestillingen til arrangementet, du er spurgt til eller med i, er ændret:"),
        "{aendringer}",
        "",
        "- {arrangement}",
        "{tider_og_sted}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        _("Passer det ikke længere for dig, så skriv til sekretariatet hurtigst muligt."),
        "",
        _signature(),
    )


def requester_withdrawn():
    """The requester's receipt for a withdrawal (a booking or a concern): the secretariat is
    told, and a planned event is cancelled (the mail's invitation takes it out of the
    calendar)."""
    return _("Trukket tilbage: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _(
            "I har trukket jeres bestilling af %(offer)s tilbage, og sekretariatet har fået "
            "besked.",
            offer="{tilbud}",
        ),
        "{aflyst}",
        "",
        _("I kan stadig se bestillingen her:"),
        "{link}",
        "",
        _signature(),
    )


def requester_request_changed():
    """What changed in a booking, for the requester, whoever changed it."""
    return _("Ændret: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _("Jeres bestilling er ændret:"),
        "{aendringer}",
        "",
        "{planlagt}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        _("Passer noget ikke, kan I rette det her:"),
        "{link}",
        "",
        _signature(),
    )


def requester_email_changed():
    """To the address a booking had, once a new one is confirmed."""
    return _("Ny e-mailadresse: %(offer)s for %(org)s", **SUBJECT_ORG), _lines(
        _("Kære %(name)s", name="{navn}"),
        "",
        _(
            "Fra nu af skriver VINK til %(address)s om jeres bestilling. Den nye adresse er "
            "bekræftet.",
            address="{ny_adresse}",
        ),
        "",
        _("Har I ikke selv ændret adressen, så kontakt sekretariatet med det samme."),
        "",
        _signature(),
    )


def requester_email_confirm():
    return _("Bekræft jeres nye e-mailadresse hos VINK"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _(
            "I har bedt om, at VINK skriver til denne adresse om jeres bestilling "
            "(%(offer)s for %(org)s). Åbn linket for at bekræfte det:",
            offer="{tilbud}",
            org="{organisation}",
        ),
        "",
        "{link}",
        "",
        _(
            "Linket virker i %(hours)s timer. Indtil I har åbnet det, skriver vi til den "
            "adresse, I bestilte med. Har I ikke bedt om det, kan I se bort fra denne e-mail.",
            hours="{timer}",
        ),
        "",
        _signature(),
    )


def user_password_link():
    return _("Vælg en ny adgangskode til VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _("En administrator har sendt dig et link til at vælge en ny adgangskode:"),
        "",
        "{link}",
        "",
        _(
            "Linket virker én gang og i %(hours)s timer. Din gamle adgangskode virker, indtil "
            "du har valgt en ny.",
            hours="{timer}",
        ),
        "",
        _signature(),
    )


def user_password_reset():
    return _("Vælg en ny adgangskode til VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _("Du har bedt om et link til at vælge en ny adgangskode:"),
        "",
        "{link}",
        "",
        _(
            "Linket virker én gang og i %(minutes)s minutter. Har du ikke bedt om det, kan du se "
            "bort fra denne e-mail: din adgangskode er den samme som før.",
            minutes="{minutter}",
        ),
        "",
        _signature(),
    )


def _not_you():
    return _(
        "Var det ikke dig, så kontakt sekretariatet med det samme: så kan en anden være logget "
        "ind som dig."
    )


def user_second_factor_enrolled():
    return _("Totrinsbekræftelse er slået til i VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _(
            "Totrinsbekræftelse er nu slået til for din konto. Fremover logger du ind med din "
            "adgangskode og en kode fra appen på din telefon."
        ),
        "",
        _not_you(),
        "",
        _signature(),
    )


def user_second_factor_disabled():
    return _("Totrinsbekræftelse er slået fra i VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _(
            "Totrinsbekræftelse er nu slået fra for din konto. Du logger ind med din adgangskode "
            "alene, og dine gendannelseskoder virker ikke længere."
        ),
        "",
        _not_you(),
        "",
        _signature(),
    )


def user_recovery_codes_renewed():
    return _("Nye gendannelseskoder til VINKs bookingportal"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _("Der er lavet nye gendannelseskoder til din konto. De gamle koder virker ikke længere."),
        "",
        _not_you(),
        "",
        _signature(),
    )


def user_second_factor_reset():
    return _("Din totrinsbekræftelse er nulstillet"), _lines(
        _("Goddag %(name)s", name="{navn}"),
        "",
        _(
            "En administrator har nulstillet totrinsbekræftelsen for din konto i VINKs "
            "bookingportal. Koderne fra din app og dine gendannelseskoder virker ikke længere. "
            "Skal du bruge totrinsbekræftelse, sætter du den op igen, næste gang du logger ind."
        ),
        "",
        _("Har du ikke bedt om det, så kontakt sekretariatet med det samme."),
        "",
        _signature(),
    )


def tracking_links_text():
    return _("Links til jeres bestillinger hos VINK"), _lines(
        _("Goddag"),
        "",
        _(
            "Nogen har bedt om at få linkene til bestillinger lavet med denne e-mailadresse. "
            "Her er de:"
        ),
        "",
        "{links}",
        "",
        _("Har I ikke bedt om det, kan I se bort fra denne e-mail."),
        "",
        _short_signature(),
    )


# The secretariat's own mails are written in Danish only, as they always were: they
# go to the secretariat's shared address, never to a requester or an assignee.
def secretariat_withdrawn():
    return "Trukket tilbage: {tilbud} for {organisation}", _lines(
        "{bestiller} har trukket bestilling nr. {nummer} tilbage.",
        "",
        "Begrundelse: {tilbagetrækningsgrund}",
        "{aflyst}",
        "",
        "Bestillingen i portalen: {link}",
    )


def secretariat_dates_proposed():
    return "Nye datoer ønsket: {tilbud} for {organisation}", _lines(
        "{bestiller} beder om en anden dato til bestilling nr. {nummer}.",
        "",
        "Forslag:",
        "{forslag}",
        "",
        "Besked: {besked}",
        "",
        "Bestillingen i portalen: {link}",
    )


def secretariat_seat_claimed():
    return "Ønsker en plads: {tilbud} {dato} {tid}", _lines(
        "{person} ({rolle}) har bedt om en ledig plads{hos_organisation}.",
        "",
        "Godkend eller afvis på arrangementets side: {link}",
    )


def event_message():
    """What the secretariat writes to everyone at an event, as written, and then the event it
    is about: what, when, where, the meeting link and the practical information."""
    return "{emne} ({tilbud} {dato})", _lines(
        "{tekst}",
        "",
        "---",
        _("Beskeden handler om dette arrangement:"),
        "- {arrangement}",
        "{tider_og_sted}",
        "{moedelink}",
        "",
        "{praktisk}",
        "",
        "{bestillingslink}",
        "",
        _signature(),
    )
