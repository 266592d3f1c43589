"""Signals and alerts: computed signals, cluster days, subscriptions and the outbox."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.schema.base import DISEASE, KOMMUNE, Base


# --------------------------------------------------------------------------- signals and alerts
class Signal(Base):
    """The aberration method's output for one kommune, series and complete ISO week.

    Precomputed at load time (``situasjonsbilde signals``; method in :mod:`data.signals`), so
    that the signal list is a cheap read. A row exists for every evaluated kommune-week, with
    or without a signal, so that "expected" and "threshold" can be shown for any week.
    """

    __tablename__ = "signal"
    disease: Mapped[str] = mapped_column(DISEASE, primary_key=True)
    series: Mapped[str] = mapped_column(String(16), primary_key=True)  # cases | admissions
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE, primary_key=True)
    week_start: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # Monday
    iso_year: Mapped[int] = mapped_column(SmallInteger)
    iso_week: Mapped[int] = mapped_column(SmallInteger)
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    dispersion: Mapped[float] = mapped_column(Float)
    trend: Mapped[bool] = mapped_column(Boolean)
    alarm: Mapped[bool] = mapped_column(Boolean)
    since_week_start: Mapped[dt.date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(40))

    __table_args__ = (
        Index(None, "disease", "series", "week_start", "alarm"),
        # every series of some kommuner in one week (the Morgenbrief's signal sentences)
        Index("ix_signal_week", "disease", "week_start", "kommunenummer"),
    )


class ClusterDay(Base):
    """Cases per cluster and day (test date, else registration date), derived from ``case``
    with the signals after every load: the cluster page reads this instead of the cases."""

    __tablename__ = "cluster_day"
    cluster_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    cases: Mapped[int] = mapped_column(Integer)


class AlertSubscription(Base):
    """A user's subscription to signals and cluster events for some kommuner.

    The kommuner and the small-number permission are checked against the user's scope when
    the subscription is saved and stored with it, so that notifications written later (by the
    CLI, without a web request) never say more than the user could see.
    """

    __tablename__ = "alert_subscription"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(200))
    kommuner: Mapped[str] = mapped_column(Text)  # space-separated codes
    small_number_kommuner: Mapped[str | None] = mapped_column(Text)  # None: all in scope
    small_numbers: Mapped[bool] = mapped_column(Boolean, default=False)
    signals: Mapped[bool] = mapped_column(Boolean, default=True)
    clusters: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)

    __table_args__ = (Index(None, "user_id"),)


class Outbox(Base):
    """A notification written for a subscriber: the e-mail text, and whether it was sent."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("alert_subscription.id"))
    user_id: Mapped[str] = mapped_column(String(80))
    recipient: Mapped[str] = mapped_column(String(200))
    event_key: Mapped[str] = mapped_column(String(120))  # one notification per event and user
    kind: Mapped[str] = mapped_column(String(12))  # signal | cluster
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    file: Mapped[str | None] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12))  # written | sent | failed
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(String(300))

    __table_args__ = (Index(None, "subscription_id", "event_key", unique=True),)
