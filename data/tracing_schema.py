"""Schema of the tracing store: person-level cluster membership and transmission links.

This store is deliberately a separate database (its own URL, its own migrations) so that
dashboard roles cannot reach person-level data by accident: only :mod:`data.tracing` opens it,
and only for a scope that carries the tracing permission. Keys are pseudonymous integers that
match ``case.person_key`` in the dashboard store; there are no names or identity numbers.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, Index, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from data.schema import AGE_BAND, DISEASE, KOMMUNE, NAMING


class TracingBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ClusterMembership(TracingBase):
    __tablename__ = "cluster_membership"
    cluster_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    person_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    disease: Mapped[str] = mapped_column(DISEASE)
    kommunenummer: Mapped[str] = mapped_column(KOMMUNE)
    age_band: Mapped[str] = mapped_column(AGE_BAND)
    test_date: Mapped[dt.date] = mapped_column(Date)
    role: Mapped[str] = mapped_column(String(12))  # index | member


class TransmissionLink(TracingBase):
    __tablename__ = "transmission_link"
    cluster_id: Mapped[str] = mapped_column(String(24), primary_key=True)
    source_person_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    target_person_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    link_date: Mapped[dt.date] = mapped_column(Date)
    setting: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[str] = mapped_column(String(12))  # confirmed | probable

    __table_args__ = (Index(None, "cluster_id", "link_date"),)
