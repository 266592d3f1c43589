"""The rules timeline: versioned national and local rules, and what they mean for the epidemic.

The table follows the broad lines of the Norwegian COVID-19 rules 2020–2023 (simplified, not a
legal record). The epidemic, the testing volume, the border and the certificates read their
parameters from these versions, so that the demo data move with the rules shown in the app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from data.synthetic._common import DISEASE, N_DAYS, day_of

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


def _local() -> list[RuleSpec]:
    oslo_url = "https://www.oslo.kommune.no/koronavirus/"
    bergen_url = "https://www.bergen.kommune.no/koronavirus/"
    follo_url = "https://www.nordrefollo.kommune.no/koronavirus/"
    vestland_url = "https://www.statsforvalteren.no/vestland/"

    def local(
        key: str,
        code: str,
        level: str,
        who: str,
        url: str,
        d: str,
        effect: float,
        text: str,
        ends: str | None = None,
        **params: Any,
    ) -> RuleSpec:
        # contact_factor is the rule's own estimate of its effect on contacts; only local rules
        # carry it, as their content varies too much for a general mapping.
        return RuleSpec(
            key,
            "gatherings",
            d,
            {**params, "contact_factor": effect},
            text,
            who,
            url,
            scope_level=level,
            scope_code=code,
            ends=ends,
        )

    return [
        local(
            "oslo_tiltak",
            "0301",
            "kommune",
            "Oslo kommune",
            oslo_url,
            "2020-10-29",
            0.92,
            "Skjenkestopp kl. 22 og høyst 10 gjester i private hjem i Oslo.",
            max_private_guests=10,
            serving_stop="22:00",
        ),
        local(
            "oslo_tiltak",
            "0301",
            "kommune",
            "Oslo kommune",
            oslo_url,
            "2020-11-09",
            0.82,
            "Sosial nedstengning i Oslo: full skjenkestopp og stengte treningssentre.",
            max_private_guests=5,
            serving_stop="full",
        ),
        local(
            "oslo_tiltak",
            "0301",
            "kommune",
            "Oslo kommune",
            oslo_url,
            "2021-03-15",
            0.78,
            "Oslo stenger kjøpesentre og butikker som ikke selger nødvendighetsvarer.",
            max_private_guests=0,
            serving_stop="full",
        ),
        local(
            "oslo_tiltak",
            "0301",
            "kommune",
            "Oslo kommune",
            oslo_url,
            "2021-05-21",
            0.9,
            "Gradvis gjenåpning i Oslo: skjenking til kl. 22 og inntil 5 gjester.",
            max_private_guests=5,
            serving_stop="22:00",
            ends="2021-06-17",
        ),
        local(
            "follo_tiltak",
            "3207",
            "kommune",
            "Nordre Follo kommune",
            follo_url,
            "2021-01-23",
            0.75,
            "Strenge tiltak i Nordre Follo etter utbrudd av britisk virusvariant.",
            max_private_guests=0,
            ends="2021-02-07",
        ),
        local(
            "bergen_tiltak",
            "4601",
            "kommune",
            "Bergen kommune",
            bergen_url,
            "2020-11-07",
            0.9,
            "Skjenkestopp kl. 24 og høyst 10 gjester i private hjem i Bergen.",
            max_private_guests=10,
            serving_stop="24:00",
        ),
        local(
            "bergen_tiltak",
            "4601",
            "kommune",
            "Bergen kommune",
            bergen_url,
            "2021-05-22",
            0.8,
            "Bergen innfører strenge tiltak: stengte serveringssteder og ingen arrangementer.",
            max_private_guests=5,
            serving_stop="full",
        ),
        local(
            "bergen_tiltak",
            "4601",
            "kommune",
            "Bergen kommune",
            bergen_url,
            "2021-06-10",
            0.93,
            "Bergen letter på tiltakene: skjenking til kl. 24.",
            max_private_guests=10,
            serving_stop="24:00",
            ends="2021-07-04",
        ),
        local(
            "vestland_sykehjem",
            "46",
            "county",
            "Statsforvalteren i Vestland",
            vestland_url,
            "2021-12-10",
            0.97,
            "Besøk på sykehjem i Vestland begrenses til én fast besøkende.",
            nursing_home_visitors=1,
            ends="2022-02-11",
        ),
    ]


def rule_specs() -> list[RuleSpec]:
    return [
        *_isolation(),
        *_quarantine(),
        *_testing(),
        *_entry(),
        *_certificate(),
        *_gatherings(),
        *_schools(),
        *_other(),
        *_local(),
    ]


def rule_table() -> pd.DataFrame:
    """The ``rule_version`` table: ids 1..n in recording order, valid_to the day before the
    next version of the same rule and scope, supersedes_id pointing to that previous version."""
    specs = sorted(
        rule_specs(),
        key=lambda s: (s.valid_from, s.category, s.rule_key, s.scope_code or ""),
    )
    rows: list[dict[str, Any]] = []
    last: dict[tuple[str, str, str | None], int] = {}
    for i, spec in enumerate(specs, start=1):
        scope = (spec.rule_key, spec.scope_level, spec.scope_code)
        previous = last.get(scope)
        start = dt.date.fromisoformat(spec.valid_from)
        if previous is not None:
            rows[previous - 1]["valid_to"] = start - dt.timedelta(days=1)
        last[scope] = i
        recorded = dt.datetime.combine(
            start - dt.timedelta(days=1 + i % 3), dt.time(9 + i % 8, 15 * (i % 4))
        )
        rows.append(
            {
                "id": i,
                "disease": DISEASE,
                "rule_key": spec.rule_key,
                "category": spec.category,
                "scope_level": spec.scope_level,
                "scope_code": spec.scope_code,
                "parameters": dict(spec.parameters),
                "text_nb": spec.text_nb,
                "authority": spec.authority,
                "source_url": spec.source_url,
                "valid_from": start,
                "valid_to": dt.date.fromisoformat(spec.ends) if spec.ends else None,
                "recorded_at": recorded,
                "recorded_by": "demo",
                "supersedes_id": previous,
            }
        )
    df = pd.DataFrame(rows)
    df["id"] = df["id"].astype(np.int32)
    df["supersedes_id"] = df["supersedes_id"].astype("Int32")
    df["valid_from"] = pd.to_datetime(df["valid_from"]).astype("datetime64[ns]")
    df["valid_to"] = pd.to_datetime(df["valid_to"]).astype("datetime64[ns]")
    df["recorded_at"] = pd.to_datetime(df["recorded_at"]).astype("datetime64[ns]")
    return df


@dataclass
class RuleTimeline:
    """Per-day lookups of the national rules (index = day index 0 … N_DAYS-1)."""

    table: pd.DataFrame
    version_by_key: dict[str, np.ndarray] = field(default_factory=dict)  # day → row position or -1

    def __post_init__(self) -> None:
        self._parameters: list[dict[str, Any]] = self.table["parameters"].tolist()

    def params(self, rule_key: str, day: int) -> dict[str, Any] | None:
        pos = self.version_by_key[rule_key][int(np.clip(day, 0, N_DAYS - 1))]
        return None if pos < 0 else self._parameters[pos]

    def param_series(self, rule_key: str, name: str, default: Any = None) -> list[Any]:
        """One parameter's value on every day (default where no version is in force)."""
        positions = self.version_by_key[rule_key]
        return [default if p < 0 else self._parameters[p].get(name, default) for p in positions]

    def id_series(self, rule_key: str) -> np.ndarray:
        positions = self.version_by_key[rule_key]
        ids = self.table["id"].to_numpy()
        return np.where(positions >= 0, ids[np.maximum(positions, 0)], -1)

    def local_versions(self) -> pd.DataFrame:
        return self.table[self.table["scope_level"] != "national"]


def timeline(table: pd.DataFrame) -> RuleTimeline:
    out = RuleTimeline(table)
    national = table[table["scope_level"] == "national"]
    for key, group in national.groupby("rule_key", sort=True):
        positions = np.full(N_DAYS, -1, dtype=np.int32)
        for pos, row in zip(group.index, group.itertuples(index=False), strict=True):
            start = max(day_of(row.valid_from.date()), 0)
            end = (
                N_DAYS - 1
                if pd.isna(row.valid_to)
                else min(day_of(row.valid_to.date()), N_DAYS - 1)
            )
            if start <= end:
                positions[start : end + 1] = pos
        out.version_by_key[str(key)] = positions
    return out


# ------------------------------------------------------------------ what the rules do to contacts
def _gathering_factor(params: dict[str, Any]) -> float:
    indoor = params.get("max_indoor_public")
    if indoor is None:
        factor = 1.0
    elif indoor == 0:
        factor = 0.55
    else:
        factor = float(
            np.interp(
                np.log10(indoor), [1, 1.7, 2, 2.3, 3, 3.2], [0.66, 0.72, 0.77, 0.82, 0.9, 0.93]
            )
        )
    private = params.get("max_private_guests")
    if private is not None and private <= 5:
        factor *= 0.95
    home = params.get("home_office")
    if home == "required":
        factor *= 0.92
    elif home == "recommended":
        factor *= 0.97
    return factor


SCHOOL_FACTOR = {"closed": 0.5, "red": 0.75, "yellow": 0.9, "green": 1.0, "none": 1.0}
# How strongly each age band feels school measures (children fully, parents a little).
SCHOOL_EXPOSURE = np.array([1.0, 1.0, 1.0, 0.4, 0.25, 0.25, 0.2, 0.05, 0, 0, 0, 0])


def contact_factors(rules: RuleTimeline) -> tuple[np.ndarray, np.ndarray]:
    """National contact multiplier per day, and the school factor per day (applied by age)."""
    days = N_DAYS
    factor = np.ones(days)
    for d in range(days):
        params = rules.params("arrangementer", d)
        factor[d] *= _gathering_factor(params) if params else 1.0
    for d, days_iso in enumerate(rules.param_series("isolasjon", "isolation_days", None)):
        factor[d] *= {None: 0.98, 4: 0.95, 5: 0.94, 7: 0.92, 10: 0.9}.get(days_iso, 0.9)
    for d, qd in enumerate(rules.param_series("smittekarantene", "quarantine_days", None)):
        test_out = (rules.params("smittekarantene", d) or {}).get("test_out", False)
        factor[d] *= 1.0 if qd is None else (0.95 if test_out else 0.9)
    for d, mask in enumerate(rules.param_series("munnbind", "face_masks", None)):
        factor[d] *= {None: 1.0, "public_transport_rush": 0.99}.get(mask, 0.97)
    school = np.array(
        [
            SCHOOL_FACTOR.get(level, 1.0)
            for level in rules.param_series("trafikklys_skole", "level", "none")
        ]
    )
    return factor, school


def local_contact_factors(
    rules: RuleTimeline, codes: tuple[str, ...], fylke: np.ndarray
) -> np.ndarray:
    """K × days multiplier of the local (kommune and county) rules."""
    out = np.ones((len(codes), N_DAYS))
    pos = {c: i for i, c in enumerate(codes)}
    for row in rules.local_versions().itertuples(index=False):
        start = max(day_of(row.valid_from.date()), 0)
        end = N_DAYS - 1 if pd.isna(row.valid_to) else min(day_of(row.valid_to.date()), N_DAYS - 1)
        if start > end:
            continue
        effect = float(row.parameters.get("contact_factor", 1.0))
        if row.scope_level == "kommune" and row.scope_code in pos:
            out[pos[row.scope_code], start : end + 1] *= effect
        elif row.scope_level == "county":
            out[fylke == row.scope_code, start : end + 1] *= effect
    return out


ASCERTAINMENT = {"priority": 0.14, "all_symptomatic": 0.55, "self_test": 0.42, "when_needed": 0.07}
TEST_PROPENSITY = {
    "priority": 0.0008,
    "all_symptomatic": 0.0032,
    "self_test": 0.0012,
    "when_needed": 0.00022,
}


def smooth(values: np.ndarray, window: int = 7) -> np.ndarray:
    """Trailing moving average: policy changes take effect over about a week."""
    kernel = np.ones(window) / window
    padded = np.concatenate([np.full(window - 1, values[0]), values])
    return np.convolve(padded, kernel, mode="valid")
