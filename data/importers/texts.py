"""Norwegian texts for rejection reasons and quality flags.

Rows and flags store stable codes; the command-line summary and the Datakvalitet page show
these texts. An unknown code is shown as it is.
"""

from __future__ import annotations

REJECT_REASONS_NB: dict[str, str] = {
    "unreadable_file": "Filen kunne ikke leses",
    "nothing_loaded": "Ingen rader kunne lastes; eksisterende data er beholdt",
    "unknown_format": "Ukjent filformat (fant ikke forventede kolonner)",
    "truncated_file": "Filen er avkortet (slutter midt i en linje eller i komprimert strøm)",
    "truncated_line": "Linjen er avkortet (filen slutter midt i linjen)",
    "wrong_field_count": "Feil antall felt på linjen (feil skilletegn eller avkortet linje)",
    "missing_value": "Mangler verdi i påkrevd felt",
    "not_a_number": "Ikke et tall",
    "not_an_integer": "Ikke et heltall",
    "negative_count": "Negativt antall",
    "implausibly_large": "Urimelig stort tall (større enn befolkningen i området)",
    "invalid_date": "Ugyldig dato",
    "date_out_of_range": "Dato utenfor gyldig periode",
    "week_mismatch": "Datoen er ikke siste dag (søndag) i oppgitt ISO-uke",
    "unknown_code": "Ukjent kode i strukturen filen oppgir",
    "code_vintage_mismatch": "Koden finnes bare i en annen kommunestruktur enn filen oppgir",
    "code_mismatch": "Stedskoden og kommune-/fylkesnummeret stemmer ikke overens",
    "duplicate_row": "Duplikat (samme sted, dato og mål som en tidligere linje)",
    "unknown_category": "Ukjent kategori (alder, kjønn e.l.)",
    "out_of_range": "Verdi utenfor tillatt område",
    "numerator_exceeds_population": "Antall vaksinerte urimelig høyt mot befolkningen",
    "invalid_geometry": "Ugyldig eller tom geometri",
    "empty_file": "Filen har ingen datalinjer",
    "exceeds_population": (
        "Tallet er like stort som eller større enn befolkningen i området (byttede kolonner?)"
    ),
    "would_remove_data": (
        "Filen dekker mindre enn datasettet som er lastet (færre områder, mål eller kortere "
        "periode); ingenting er erstattet"
    ),
    "unsupported_layout": "Kjent kilde, men et filoppsett som ikke importeres ennå",
    "mixed_layout": "Raden har en annen tidsoppløsning enn resten av filen",
    "rows_unaccounted": "Ikke alle leste linjer ble lastet eller avvist; filen er ikke importert",
}

FLAG_KINDS_NB: dict[str, str] = {
    "reregistration_spike": (
        "Hele det kumulative vaksinasjonstallet ble registrert på nytt én dag i kommunetallene; "
        "verdiene er beholdt, men holdt utenfor aggregatene"
    ),
    "weekday_spread": (
        "Registreringsdato-tallene er fordelt jevnt over dager uten publisering (fre–søn like); "
        "bruk 7- eller 14-dagers summer, ikke enkeltdager"
    ),
    "missing_population_in_source": (
        "Befolkning, navn og rater mangler i kilden for kommuner som fikk nytt nummer i 2024; "
        "befolkningen hentes fra SSB"
    ),
    "right_truncated": (
        "De siste dagene etter prøvedato er ufullstendige (sene prøvesvar); siste uke er delvis"
    ),
    "partial_week": "Siste uke er ikke komplett",
    "coverage_over_100": (
        "Flere vaksinerte enn befolkningen i gruppen (reelt: flytting og uregistrerte); "
        "vises avkortet til 100 %"
    ),
    "percent_capped": (
        "FHI publiserte dekningsprosentene avkortet ved 95 %; dekningen regnes her fra antall "
        "vaksinerte og befolkning"
    ),
    "dose_order": "Flere med en høyere dose enn med dosen før i gruppen (som publisert)",
    "pseudo_regions_dropped": (
        "Pseudo-regioner uten kommunenummer (Svalbard, sokkelen, «Rest») er utelatt"
    ),
    "cases_outside_kommuner": (
        "Tilfeller i landstallet som ikke er fordelt på kommune (ukjent kommune eller bosatt "
        "i utlandet)"
    ),
    "weekly_daily_mismatch": "Ukesummene stemmer ikke med summen av dagstallene",
    "encoding_fallback": "Filen var ikke gyldig UTF-8 og ble lest som Latin-1",
    "crosswalk_split": (
        "Tall kodet etter 2020-strukturen vises i 2024-strukturen; 1507 Ålesund er delt på "
        "1508 Ålesund og 1580 Haram med vekt 0,5"
    ),
    "codes_renumbered": "Kommuner med nytt nummer i 2024 er oversatt gjennom kodeoversettelsen",
    "population_carried_forward": (
        "SSB-befolkning finnes ikke for alle år; år uten tall bruker siste publiserte år før"
    ),
    "population_translated": (
        "Befolkningen er oversatt mellom kommunestrukturene gjennom kodeoversettelsen"
    ),
    "missing_codes": "Koder i strukturen som mangler i filen",
    "crosswalk_differs": "Den publiserte kodeoversettelsen avviker fra den innebygde",
    "ignored_columns": "Kolonner som ikke importeres (avledet eller fra en annen kilde)",
    "recording_stopped": "Kilden sluttet å registrere; tomme rader etter siste dato er utelatt",
    "geometry_repaired": "Ugyldige polygoner er reparert",
    "replaced_smaller": (
        "Datasettet ble erstattet med en fil som dekker mindre (--replace); se hva som ble fjernet"
    ),
    "population_unchecked": (
        "Filen har ingen befolkningskolonne, og databasen har ingen SSB-befolkning for "
        "strukturen: antallene er ikke kontrollert mot befolkningen"
    ),
    "vintage_revised": (
        "En nyere utgave av filen reviderte verdier fra forrige utgave (rader endret; første "
        "og siste uke med endring, nye og fjernede verdier i detaljene)"
    ),
    "population_nearest_year": (
        "Befolkning for et år mangler; nærmeste år med tall er brukt for disse kommunene"
    ),
}

STATUS_NB: dict[str, str] = {
    "loaded": "lastet inn",
    "unchanged": "uendret (samme fil er allerede importert)",
    "outdated": "eldre utgave (en nyere utgave er lastet; ikke importert)",
    "failed": "feilet",
    "refused": "avvist (ville ha fjernet data)",
    "skipped": "ikke gjenkjent (ikke importert)",
    "active": "aktiv",
    "superseded": "erstattet av nyere fil",
}


def reason_text(code: str) -> str:
    return REJECT_REASONS_NB.get(code, code)


def flag_text(code: str) -> str:
    return FLAG_KINDS_NB.get(code, code)
