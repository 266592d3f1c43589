"""Definitions of the testing page's numbers (Norwegian bokmål)."""

from __future__ import annotations

from dashboard.definitions.core import MetricDefinition
from dashboard.i18n import N_

TEST_SOURCE = N_("MSIS laboratoriedatabase (testhendelser etter prøvedato)")

TESTS_DAILY = MetricDefinition(
    key="tests_daily",
    label=N_("Testhendelser per dag"),
    unit="testhendelser",
    definition=N_(
        "Testhendelser etter prøvedato, delt på PCR og antigen (søyler), og positive "
        "testhendelser (linje). Alle tester av én person innen 7 dager teller som én "
        "testhendelse. De siste dagene kan øke når sene prøvesvar kommer inn."
    ),
    source=TEST_SOURCE,
)
POSITIVITY_7D = MetricDefinition(
    key="positivity_7d",
    label=N_("Positivandel (7 dager)"),
    unit="%",
    definition=N_(
        "Positive testhendelser / alle testhendelser med prøvedato de siste 7 dagene til og med "
        "valgt dato. Vises ikke når antallet den bygger på er skjermet (1–4)."
    ),
    source=TEST_SOURCE,
)
TESTS_PER_100K = MetricDefinition(
    key="tests_7d_per_100k",
    label=N_("Testhendelser per 100 000 (7 dager)"),
    unit="per 100 000",
    definition=N_(
        "Testhendelser med prøvedato de siste 7 dagene per 100 000 innbyggere "
        "(befolkning 1. januar). Viser hvor mye det testes, og gjør kommuner av ulik størrelse "
        "sammenlignbare."
    ),
    source=N_("MSIS laboratoriedatabase (testhendelser etter prøvedato); befolkning fra SSB"),
)
RESULT_TIME = MetricDefinition(
    key="mean_result_days_7d",
    label=N_("Tid fra prøve til svar"),
    unit="dager",
    definition=N_(
        "Gjennomsnittlig antall dager fra prøvedato til svardato for testhendelser med prøvedato "
        "de siste 7 dagene, der svardatoen er kjent. Prøver uten svardato er ikke med."
    ),
    source=TEST_SOURCE,
)
TESTS_BY_AGE = MetricDefinition(
    key="tests_by_age",
    label=N_("Etter aldersgruppe"),
    unit="",
    definition=N_(
        "Testhendelser per 100 000 innbyggere i aldersgruppen og positivandel, siste 7 dager "
        "til og med valgt dato, for kommunen, fylket og hele landet."
    ),
    source=N_("MSIS laboratoriedatabase (testhendelser etter prøvedato); befolkning fra SSB"),
)
