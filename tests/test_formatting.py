import datetime as dt

from dashboard import formatting


def test_norwegian_number_format() -> None:
    assert formatting.number(1234567.891, 1) == "1\u00a0234\u00a0567,9"
    assert formatting.number(float("nan")) == "–"
    assert formatting.number(None) == "–"


def test_dates() -> None:
    assert formatting.date_short(dt.date(2022, 1, 5)) == "05.01.2022"
    assert formatting.date_long(dt.date(2022, 1, 5)) == "5. januar 2022"
