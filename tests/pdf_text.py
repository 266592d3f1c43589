"""Read the numbers of the Morgenbrief PDF and the weekly report PDF as a recipient's script
would: the text of the page (pypdf), one table cell per line, found by the bokmål labels."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

# the key-figure rows read, by the label the PDF prints
KEY_LABELS = {
    "Nye tilfeller siste døgn": "cases_24h",
    "Nye tilfeller siste 7 dager": "cases_7d",
    "7-dagers insidens": "incidence_7d",
    "14-dagers insidens": "incidence_14d",
}
# units printed after the own kommune's value in the Morgenbrief PDF
UNITS = (" tilfeller", " per 100 000", " innleggelser", " klynger", " %")
NEIGHBOUR = re.compile(r"^(?P<name>.+) \((?P<code>\d{4})\)$")


def lines(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return [line.strip() for line in text.splitlines() if line.strip()]


def _strip_unit(text: str) -> str:
    for unit in UNITS:
        if text.endswith(unit):
            return text[: -len(unit)]
    return text


def key_figures(rows: list[str]) -> dict[str, dict[str, str]]:
    """{indicator: {"kommune", "fylke", "landet": shown text}} of the key-figure table (the
    three columns after each label, in both PDFs)."""
    out: dict[str, dict[str, str]] = {}
    for i, line in enumerate(rows):
        key = KEY_LABELS.get(line)
        if key is None or key in out or i + 3 >= len(rows):
            continue
        own, county, nation = rows[i + 1 : i + 4]
        out[key] = {"kommune": _strip_unit(own), "fylke": county, "landet": nation}
    return out


def neighbours(rows: list[str]) -> dict[str, dict[str, str]]:
    """The Morgenbrief PDF's neighbour table: {kommunenummer: {cases_7d, incidence_7d,
    incidence_14d}}."""
    try:
        start = rows.index("Nabokommuner")
    except ValueError:
        return {}
    out: dict[str, dict[str, str]] = {}
    for i in range(start, len(rows) - 3):
        found = NEIGHBOUR.match(rows[i])
        if found:
            out[found["code"]] = dict(
                zip(("cases_7d", "incidence_7d", "incidence_14d"), rows[i + 1 : i + 4], strict=True)
            )
    return out


def week_series(rows: list[str]) -> dict[str, dict[str, str]]:
    """The weekly report PDF's eight-week table: {row label: {week label: shown text}}."""
    try:
        start = len(rows) - 1 - rows[::-1].index("Uke")
    except ValueError:
        return {}
    weeks: list[str] = []
    i = start + 1
    while i < len(rows) and re.fullmatch(r"W\d{2}|uke \d+", rows[i]):
        weeks.append(rows[i])
        i += 1
    out: dict[str, dict[str, str]] = {}
    while i + len(weeks) < len(rows) and rows[i].startswith(("Tilfeller ", "Insidens ")):
        out[rows[i]] = dict(zip(weeks, rows[i + 1 : i + 1 + len(weeks)], strict=True))
        i += 1 + len(weeks)
    return out
