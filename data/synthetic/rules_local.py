"""The demo rule register's local rules: kommune and county versions that replace a national
rule for a while (Oslo, Bergen, Nordre Follo, Vestland)."""

from __future__ import annotations

from typing import Any

from data.synthetic.rules_national import RuleSpec


def local_rules() -> list[RuleSpec]:
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
