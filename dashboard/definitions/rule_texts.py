"""The texts of the demo rule register (data/synthetic/rules_national.py, rules_local.py)
and the authorities behind them, marked for translation: rule texts are data in bokmål, and a
page shows a rule text through ``_()`` so that the demo rules read in English too (a text
recorded by a user has no entry and is shown as written). A test keeps this list equal to the
demo rules."""

# ruff: noqa: E501 (whole rule texts on one line each, as in the rule register)
from __future__ import annotations

from dashboard.i18n import N_

DEMO_RULE_TEXTS: tuple[str, ...] = (
    N_(
        "Koronasertifikat innføres: fullvaksinert etter 7 dager, gjennomgått covid-19 i 180 dager, negativ PCR-test i 72 timer og hurtigtest i 24 timer."
    ),
    N_("Koronasertifikatet brukes ikke lenger innenlands, bare ved reise."),
    N_("Koronasertifikat kan igjen brukes ved arrangementer; testattest gjelder i 24 timer."),
    N_("Sertifikat etter to doser gjelder i 270 dager; etter oppfriskningsdose uten utløp i EU."),
    N_("Koronasertifikat brukes ikke lenger i Norge; det kan fortsatt brukes ved reise."),
    N_("Alle som kommer til Norge fra utlandet skal i innreisekarantene i 14 dager."),
    N_("Innreisekarantenen er redusert til 10 dager."),
    N_("Alle som kommer fra røde land tilbys test på grensen; innreisekarantene i 10 dager."),
    N_("Innreiseregistrering er påbudt, og alle skal teste seg innen 24 timer etter ankomst."),
    N_("Test på grensen er påbudt, og innreisende skal i karantenehotell ved ankomst."),
    N_("Innreisende med gyldig koronasertifikat er unntatt fra innreisekarantene og test."),
    N_("Alle innreisende, også vaksinerte, skal teste seg innen 24 timer etter ankomst."),
    N_(
        "Kravet om test etter innreise er opphevet; registrering og karantene for uvaksinerte gjelder."
    ),
    N_("Alle innreiserestriksjoner er opphevet."),
    N_("Arrangementer er forbudt, og alle som kan skal arbeide hjemmefra."),
    N_("Arrangementer med inntil 50 deltakere er tillatt."),
    N_("Arrangementer med inntil 200 deltakere er tillatt."),
    N_("Høyst 5 gjester i private hjem; arrangementer innendørs med inntil 50 deltakere."),
    N_("Ingen private sammenkomster anbefales; arrangementer innendørs med inntil 10 deltakere."),
    N_("Inntil 5 gjester i private hjem; arrangementer innendørs med inntil 10 deltakere."),
    N_("Høyst 2 gjester i private hjem; hjemmekontor der det er mulig."),
    N_("Gjenåpning trinn 1: arrangementer med inntil 50 deltakere."),
    N_("Gjenåpning trinn 2: arrangementer med inntil 100 deltakere."),
    N_("Gjenåpning trinn 3: arrangementer med inntil 1 000 deltakere."),
    N_("Hverdagen med økt beredskap: ingen begrensninger på arrangementer."),
    N_(
        "Høyst 10 gjester i private hjem; arrangementer uten faste plasser med inntil 100 deltakere."
    ),
    N_("Nasjonal skjenkestopp og hjemmekontor; arrangementer innendørs med inntil 50 deltakere."),
    N_("Skjenkestopp oppheves; arrangementer med inntil 200 deltakere."),
    N_("Arrangementer med inntil 1 500 deltakere er tillatt."),
    N_("Alle begrensninger på arrangementer og sosial kontakt er opphevet."),
    N_("Personer med påvist covid-19 skal være i isolasjon i minst 10 dager."),
    N_("Isolasjonstiden er redusert til 7 dager etter symptomstart."),
    N_("Isolasjonstiden er redusert til 5 dager."),
    N_("Isolasjonstiden er redusert til 4 dager."),
    N_("Plikten til isolasjon er opphevet. Syke anbefales å holde seg hjemme i 4 dager."),
    N_("Skjenkestopp kl. 22 og høyst 10 gjester i private hjem i Oslo."),
    N_("Sosial nedstengning i Oslo: full skjenkestopp og stengte treningssentre."),
    N_("Oslo stenger kjøpesentre og butikker som ikke selger nødvendighetsvarer."),
    N_("Gradvis gjenåpning i Oslo: skjenking til kl. 22 og inntil 5 gjester."),
    N_("Strenge tiltak i Nordre Follo etter utbrudd av britisk virusvariant."),
    N_("Skjenkestopp kl. 24 og høyst 10 gjester i private hjem i Bergen."),
    N_("Bergen innfører strenge tiltak: stengte serveringssteder og ingen arrangementer."),
    N_("Bergen letter på tiltakene: skjenking til kl. 24."),
    N_("Besøk på sykehjem i Vestland begrenses til én fast besøkende."),
    N_("Munnbind anbefales på kollektivtransport i rushtiden."),
    N_("Munnbind anbefales der man ikke kan holde avstand."),
    N_("Anbefalingen om munnbind er opphevet."),
    N_("Munnbind er påbudt i butikker og på kollektivtransport."),
    N_("Påbudet om munnbind er opphevet."),
    N_("Nærkontakter av smittede skal i karantene i 14 dager."),
    N_("Karantenetiden for nærkontakter er redusert til 10 dager."),
    N_("Nærkontakter skal i karantene i 7 dager; karantenen kan avsluttes med negativ test."),
    N_("Nærkontakter utenom husstanden kan teste seg ut av karantene med daglig test."),
    N_("Smittekarantene er opphevet."),
    N_("Skoler og barnehager er stengt."),
    N_("Barnehager og skolens 1.–4. trinn åpner på rødt nivå."),
    N_("Skoler og barnehager er åpne på gult nivå."),
    N_("Skoler og barnehager er på grønt nivå."),
    N_("Skoler og barnehager er på gult nivå."),
    N_("Ungdomsskoler og videregående skoler er på rødt nivå."),
    N_("Skoler og barnehager er tilbake på gult nivå."),
    N_("Skoler i områder med høyt smittetrykk er på rødt nivå."),
    N_("Trafikklysmodellen er avviklet; skoler og barnehager drives som normalt."),
    N_("Testing prioriteres for helsepersonell, risikogrupper og alvorlig syke med symptomer."),
    N_("Alle med symptomer på covid-19 skal teste seg. Nærkontakter testes i karantenetiden."),
    N_("Positiv selvtest trenger ikke bekreftes med PCR, men skal registreres."),
    N_(
        "Testing anbefales bare ved behov, for eksempel ved alvorlig sykdom eller etter råd fra lege."
    ),
)

AUTHORITIES: tuple[str, ...] = (
    N_("Bergen kommune"),
    N_("Helse- og omsorgsdepartementet"),
    N_("Helsedirektoratet"),
    N_("Nordre Follo kommune"),
    N_("Oslo kommune"),
    N_("Statsforvalteren i Vestland"),
)

__all__ = ["AUTHORITIES", "DEMO_RULE_TEXTS"]
