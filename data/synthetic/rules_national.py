"""The demo rule register's national rules: isolation, quarantine, testing, entry,
certificates, gatherings, schools and the rest, as versions with their dates, parameters,
texts and authorities (the broad lines of the Norwegian COVID-19 rules 2020–2023, simplified,
not a legal record)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

HOD = "Helse- og omsorgsdepartementet"
HDIR = "Helsedirektoratet"
FHI = "FHI"
FORSKRIFT = "https://lovdata.no/dokument/SF/forskrift/2020-03-27-470"
REGJERINGEN = (
    "https://www.regjeringen.no/no/tema/Koronasituasjonen/tidslinje-koronaviruset/id2692402/"
)
SERTIFIKAT = "https://www.helsenorge.no/koronasertifikat/"
TESTING = "https://www.helsenorge.no/koronavirus/testing/"
INNREISE = "https://www.regjeringen.no/no/tema/Koronasituasjonen/innreise-til-norge/id2791503/"
SKOLE = "https://www.helsedirektoratet.no/veiledere/koronavirus/skole-og-barnehage"


@dataclass(frozen=True)
class RuleSpec:
    rule_key: str
    category: str
    valid_from: str
    parameters: dict[str, Any]
    text_nb: str
    authority: str
    source_url: str
    scope_level: str = "national"
    scope_code: str | None = None
    ends: str | None = None  # last day of a rule that is lifted without a successor


def _isolation() -> list[RuleSpec]:
    def spec(d: str, days: int | None, text: str) -> RuleSpec:
        params = {"isolation_days": days, "mandatory": days is not None}
        if days is None:
            params["advice_days"] = 4
        return RuleSpec("isolasjon", "isolation", d, params, text, HOD, FORSKRIFT)

    return [
        spec(
            "2020-03-13", 10, "Personer med påvist covid-19 skal være i isolasjon i minst 10 dager."
        ),
        spec("2021-12-15", 7, "Isolasjonstiden er redusert til 7 dager etter symptomstart."),
        spec("2022-01-14", 5, "Isolasjonstiden er redusert til 5 dager."),
        spec("2022-01-26", 4, "Isolasjonstiden er redusert til 4 dager."),
        spec(
            "2022-02-12",
            None,
            "Plikten til isolasjon er opphevet. Syke anbefales å holde seg hjemme i 4 dager.",
        ),
    ]


def _quarantine() -> list[RuleSpec]:
    def spec(d: str, days: int | None, test_out: bool, text: str) -> RuleSpec:
        params = {"quarantine_days": days, "test_out": test_out, "mandatory": days is not None}
        return RuleSpec("smittekarantene", "quarantine", d, params, text, HOD, FORSKRIFT)

    return [
        spec("2020-03-13", 14, False, "Nærkontakter av smittede skal i karantene i 14 dager."),
        spec("2020-04-20", 10, False, "Karantenetiden for nærkontakter er redusert til 10 dager."),
        spec(
            "2021-12-15",
            7,
            False,
            "Nærkontakter skal i karantene i 7 dager; karantenen kan avsluttes med negativ test.",
        ),
        spec(
            "2022-01-14",
            7,
            True,
            "Nærkontakter utenom husstanden kan teste seg ut av karantene med daglig test.",
        ),
        spec("2022-02-12", None, False, "Smittekarantene er opphevet."),
    ]


def _testing() -> list[RuleSpec]:
    def spec(d: str, target: str, pcr: bool, self_reg: bool, text: str, who: str) -> RuleSpec:
        params = {
            "target_group": target,
            "pcr_confirmation": pcr,
            "self_test_registration": self_reg,
        }
        return RuleSpec("testkriterier", "testing", d, params, text, who, TESTING)

    return [
        spec(
            "2020-03-01",
            "priority",
            True,
            False,
            "Testing prioriteres for helsepersonell, risikogrupper og alvorlig syke med symptomer.",
            FHI,
        ),
        spec(
            "2020-05-07",
            "all_symptomatic",
            True,
            False,
            "Alle med symptomer på covid-19 skal teste seg. Nærkontakter testes i karantenetiden.",
            HDIR,
        ),
        spec(
            "2022-01-24",
            "self_test",
            False,
            True,
            "Positiv selvtest trenger ikke bekreftes med PCR, men skal registreres.",
            HDIR,
        ),
        spec(
            "2022-03-31",
            "when_needed",
            False,
            False,
            "Testing anbefales bare ved behov, for eksempel ved alvorlig sykdom "
            "eller etter råd fra lege.",
            HDIR,
        ),
    ]


def _entry() -> list[RuleSpec]:
    def spec(d: str, text: str, **params: Any) -> RuleSpec:
        base = {
            "quarantine_days": None,
            "border_test_required": False,
            "border_test_offered": False,
            "test_within_hours": None,
            "registration_required": False,
            "certificate_exempts_quarantine": False,
            "certificate_exempts_test": False,
            "quarantine_hotel": False,
        }
        base.update(params)
        return RuleSpec("innreise", "entry", d, base, text, HOD, INNREISE)

    return [
        spec(
            "2020-03-16",
            "Alle som kommer til Norge fra utlandet skal i innreisekarantene i 14 dager.",
            quarantine_days=14,
        ),
        spec(
            "2020-04-20",
            "Innreisekarantenen er redusert til 10 dager.",
            quarantine_days=10,
        ),
        spec(
            "2020-11-09",
            "Alle som kommer fra røde land tilbys test på grensen; innreisekarantene i 10 dager.",
            quarantine_days=10,
            border_test_offered=True,
        ),
        spec(
            "2021-01-02",
            "Innreiseregistrering er påbudt, og alle skal teste seg innen 24 timer etter ankomst.",
            quarantine_days=10,
            border_test_required=True,
            test_within_hours=24,
            registration_required=True,
        ),
        spec(
            "2021-01-29",
            "Test på grensen er påbudt, og innreisende skal i karantenehotell ved ankomst.",
            quarantine_days=10,
            border_test_required=True,
            test_within_hours=0,
            registration_required=True,
            quarantine_hotel=True,
        ),
        spec(
            "2021-07-05",
            "Innreisende med gyldig koronasertifikat er unntatt fra innreisekarantene og test.",
            quarantine_days=10,
            border_test_required=True,
            test_within_hours=24,
            registration_required=True,
            certificate_exempts_quarantine=True,
            certificate_exempts_test=True,
        ),
        spec(
            "2021-11-26",
            "Alle innreisende, også vaksinerte, skal teste seg innen 24 timer etter ankomst.",
            quarantine_days=10,
            border_test_required=True,
            test_within_hours=24,
            registration_required=True,
            certificate_exempts_quarantine=True,
        ),
        spec(
            "2022-01-26",
            "Kravet om test etter innreise er opphevet; registrering og karantene "
            "for uvaksinerte gjelder.",
            quarantine_days=7,
            test_within_hours=24,
            registration_required=True,
            certificate_exempts_quarantine=True,
            certificate_exempts_test=True,
        ),
        spec("2022-02-12", "Alle innreiserestriksjoner er opphevet."),
    ]


def _certificate() -> list[RuleSpec]:
    def spec(d: str, text: str, **params: Any) -> RuleSpec:
        base = {
            "domestic_use": True,
            "vaccinated_delay_days": 7,
            "vaccinated_valid_days": 365,
            "booster_valid_days": 365,
            "recovered_delay_days": 11,
            "recovered_valid_days": 180,
            "tested_pcr_valid_hours": 72,
            "tested_antigen_valid_hours": 24,
            "tested_issued": True,
        }
        base.update(params)
        return RuleSpec("koronasertifikat", "certificate", d, base, text, HOD, SERTIFIKAT)

    return [
        spec(
            "2021-06-11",
            "Koronasertifikat innføres: fullvaksinert etter 7 dager, gjennomgått covid-19 i 180 "
            "dager, negativ PCR-test i 72 timer og hurtigtest i 24 timer.",
        ),
        spec(
            "2021-09-25",
            "Koronasertifikatet brukes ikke lenger innenlands, bare ved reise.",
            domestic_use=False,
        ),
        spec(
            "2021-12-13",
            "Koronasertifikat kan igjen brukes ved arrangementer; testattest gjelder i 24 timer.",
            tested_pcr_valid_hours=24,
        ),
        spec(
            "2022-02-01",
            "Sertifikat etter to doser gjelder i 270 dager; "
            "etter oppfriskningsdose uten utløp i EU.",
            vaccinated_valid_days=270,
            tested_pcr_valid_hours=24,
        ),
        spec(
            "2022-02-12",
            "Koronasertifikat brukes ikke lenger i Norge; det kan fortsatt brukes ved reise.",
            domestic_use=False,
            vaccinated_valid_days=270,
            tested_issued=False,
        ),
    ]


def _gatherings() -> list[RuleSpec]:
    def spec(d: str, private: int | None, indoor: int | None, home: str | None, text: str):
        params = {
            "max_private_guests": private,
            "max_indoor_public": indoor,
            "home_office": home,
        }
        return RuleSpec("arrangementer", "gatherings", d, params, text, HOD, FORSKRIFT)

    return [
        spec(
            "2020-03-12",
            5,
            0,
            "required",
            "Arrangementer er forbudt, og alle som kan skal arbeide hjemmefra.",
        ),
        spec(
            "2020-05-07", 20, 50, "recommended", "Arrangementer med inntil 50 deltakere er tillatt."
        ),
        spec("2020-06-15", 20, 200, None, "Arrangementer med inntil 200 deltakere er tillatt."),
        spec(
            "2020-11-05",
            5,
            50,
            "recommended",
            "Høyst 5 gjester i private hjem; arrangementer innendørs med inntil 50 deltakere.",
        ),
        spec(
            "2021-01-04",
            0,
            10,
            "required",
            "Ingen private sammenkomster anbefales; "
            "arrangementer innendørs med inntil 10 deltakere.",
        ),
        spec(
            "2021-02-03",
            5,
            10,
            "recommended",
            "Inntil 5 gjester i private hjem; arrangementer innendørs med inntil 10 deltakere.",
        ),
        spec(
            "2021-03-16",
            2,
            10,
            "required",
            "Høyst 2 gjester i private hjem; hjemmekontor der det er mulig.",
        ),
        spec(
            "2021-04-16",
            5,
            50,
            "recommended",
            "Gjenåpning trinn 1: arrangementer med inntil 50 deltakere.",
        ),
        spec(
            "2021-05-27",
            10,
            100,
            "recommended",
            "Gjenåpning trinn 2: arrangementer med inntil 100 deltakere.",
        ),
        spec(
            "2021-06-18",
            20,
            1000,
            None,
            "Gjenåpning trinn 3: arrangementer med inntil 1 000 deltakere.",
        ),
        spec(
            "2021-09-25",
            None,
            None,
            None,
            "Hverdagen med økt beredskap: ingen begrensninger på arrangementer.",
        ),
        spec(
            "2021-12-03",
            10,
            100,
            "recommended",
            "Høyst 10 gjester i private hjem; "
            "arrangementer uten faste plasser med inntil 100 deltakere.",
        ),
        spec(
            "2021-12-15",
            10,
            50,
            "required",
            "Nasjonal skjenkestopp og hjemmekontor; "
            "arrangementer innendørs med inntil 50 deltakere.",
        ),
        spec(
            "2022-01-14",
            10,
            200,
            "recommended",
            "Skjenkestopp oppheves; arrangementer med inntil 200 deltakere.",
        ),
        spec(
            "2022-02-01", None, 1500, None, "Arrangementer med inntil 1 500 deltakere er tillatt."
        ),
        spec(
            "2022-02-12",
            None,
            None,
            None,
            "Alle begrensninger på arrangementer og sosial kontakt er opphevet.",
        ),
    ]


def _schools() -> list[RuleSpec]:
    def spec(d: str, level: str, text: str) -> RuleSpec:
        return RuleSpec("trafikklys_skole", "schools", d, {"level": level}, text, HDIR, SKOLE)

    return [
        spec("2020-03-12", "closed", "Skoler og barnehager er stengt."),
        spec("2020-04-27", "red", "Barnehager og skolens 1.–4. trinn åpner på rødt nivå."),
        spec("2020-06-01", "yellow", "Skoler og barnehager er åpne på gult nivå."),
        spec("2020-09-14", "green", "Skoler og barnehager er på grønt nivå."),
        spec("2020-11-05", "yellow", "Skoler og barnehager er på gult nivå."),
        spec("2021-01-04", "red", "Ungdomsskoler og videregående skoler er på rødt nivå."),
        spec("2021-02-15", "yellow", "Skoler og barnehager er tilbake på gult nivå."),
        spec("2021-03-16", "red", "Skoler i områder med høyt smittetrykk er på rødt nivå."),
        spec("2021-04-19", "yellow", "Skoler og barnehager er på gult nivå."),
        spec("2021-10-04", "green", "Skoler og barnehager er på grønt nivå."),
        spec("2021-12-03", "yellow", "Skoler og barnehager er på gult nivå."),
        spec("2022-02-01", "green", "Skoler og barnehager er på grønt nivå."),
        spec(
            "2022-02-12",
            "none",
            "Trafikklysmodellen er avviklet; skoler og barnehager drives som normalt.",
        ),
    ]


def _other() -> list[RuleSpec]:
    def spec(d: str, mask: str | None, text: str) -> RuleSpec:
        return RuleSpec("munnbind", "other", d, {"face_masks": mask}, text, HDIR, REGJERINGEN)

    return [
        spec(
            "2020-08-24",
            "public_transport_rush",
            "Munnbind anbefales på kollektivtransport i rushtiden.",
        ),
        spec(
            "2020-11-05",
            "where_distance_impossible",
            "Munnbind anbefales der man ikke kan holde avstand.",
        ),
        spec("2021-09-25", None, "Anbefalingen om munnbind er opphevet."),
        spec(
            "2021-12-03",
            "required_indoors_public",
            "Munnbind er påbudt i butikker og på kollektivtransport.",
        ),
        spec("2022-02-12", None, "Påbudet om munnbind er opphevet."),
    ]


def national_rules() -> list[RuleSpec]:
    """Every national version, category after category."""
    return [
        *_isolation(),
        *_quarantine(),
        *_testing(),
        *_entry(),
        *_certificate(),
        *_gatherings(),
        *_schools(),
        *_other(),
    ]
