"""The demo rule register's local rules: kommune and county versions that replace a national
rule for a while (Oslo, Bergen, Nordre Follo, Vestland)."""

from __future__ import annotations

from data.synthetic.rules_national import RuleSpec

# rule key → (scope level, scope code, authority, source URL)
AUTHORITIES = {
    "oslo_tiltak": ("kommune", "0301", "Oslo kommune", "https://www.oslo.kommune.no/koronavirus/"),
    "follo_tiltak": (
        "kommune",
        "3207",
        "Nordre Follo kommune",
        "https://www.nordrefollo.kommune.no/koronavirus/",
    ),
    "bergen_tiltak": (
        "kommune",
        "4601",
        "Bergen kommune",
        "https://www.bergen.kommune.no/koronavirus/",
    ),
    "vestland_sykehjem": (
        "county",
        "46",
        "Statsforvalteren i Vestland",
        "https://www.statsforvalteren.no/vestland/",
    ),
}
# Each version: rule key, valid from, valid to (None: until replaced), its contact factor (the
# rule's own estimate of its effect on contacts: only local rules carry it, as their content
# varies too much for a general mapping), its parameters; then its text.
# fmt: off
VERSIONS = (
    ("oslo_tiltak", "2020-10-29", None, 0.92, {"max_private_guests": 10, "serving_stop": "22:00"},
     "Skjenkestopp kl. 22 og høyst 10 gjester i private hjem i Oslo."),
    ("oslo_tiltak", "2020-11-09", None, 0.82, {"max_private_guests": 5, "serving_stop": "full"},
     "Sosial nedstengning i Oslo: full skjenkestopp og stengte treningssentre."),
    ("oslo_tiltak", "2021-03-15", None, 0.78, {"max_private_guests": 0, "serving_stop": "full"},
     "Oslo stenger kjøpesentre og butikker som ikke selger nødvendighetsvarer."),
    ("oslo_tiltak", "2021-05-21", "2021-06-17", 0.9,
     {"max_private_guests": 5, "serving_stop": "22:00"},
     "Gradvis gjenåpning i Oslo: skjenking til kl. 22 og inntil 5 gjester."),
    ("follo_tiltak", "2021-01-23", "2021-02-07", 0.75, {"max_private_guests": 0},
     "Strenge tiltak i Nordre Follo etter utbrudd av britisk virusvariant."),
    ("bergen_tiltak", "2020-11-07", None, 0.9, {"max_private_guests": 10, "serving_stop": "24:00"},
     "Skjenkestopp kl. 24 og høyst 10 gjester i private hjem i Bergen."),
    ("bergen_tiltak", "2021-05-22", None, 0.8, {"max_private_guests": 5, "serving_stop": "full"},
     "Bergen innfører strenge tiltak: stengte serveringssteder og ingen arrangementer."),
    ("bergen_tiltak", "2021-06-10", "2021-07-04", 0.93,
     {"max_private_guests": 10, "serving_stop": "24:00"},
     "Bergen letter på tiltakene: skjenking til kl. 24."),
    ("vestland_sykehjem", "2021-12-10", "2022-02-11", 0.97, {"nursing_home_visitors": 1},
     "Besøk på sykehjem i Vestland begrenses til én fast besøkende."),
)
# fmt: on


def local_rules() -> list[RuleSpec]:
    """The local rules' versions, in the order above, scoped to their kommune or county
    (category gatherings)."""
    out = []
    for key, valid_from, ends, effect, params, text in VERSIONS:
        level, code, authority, url = AUTHORITIES[key]
        out.append(
            RuleSpec(
                key,
                "gatherings",
                valid_from,
                {**params, "contact_factor": effect},
                text,
                authority,
                url,
                scope_level=level,
                scope_code=code,
                ends=ends,
            )
        )
    return out
