"""SQLAlchemy 2.0 schema of the dashboard store.

Every fact table carries ``disease`` (the dashboard is not COVID-only) and the municipality
structure vintage (``structure``: 2020 or 2024) of its kommune code. No names or national identity
numbers are stored anywhere: people appear only as pseudonymous integer keys.

Person-level cluster membership and transmission links are *not* here; they live in the
separate tracing store (:mod:`data.tracing_schema`), which has its own database and migrations.

One module per subject (:mod:`.base`, :mod:`.reference`, :mod:`.events`, :mod:`.operations`,
:mod:`.aggregates`, :mod:`.imports`, :mod:`.signals`); every table class is re-exported here.
"""

from data.schema.aggregates import (
    AGGREGATE_TABLES,
    AggArrivalsDaily,
    AggArrivalsSplit,
    AggCasesDaily,
    AggCasesRollup,
    AggCertificateSeries,
    AggHospitalDaily,
    AggHospitalRollup,
    AggKeyFigures,
    AggTestsDaily,
    AggTestsRollup,
    AggVaccinationDaily,
    AggVaccinationRollup,
    AggVaccinationSeries,
)
from data.schema.base import (
    AGE_BAND,
    DISEASE,
    FYLKE,
    KOMMUNE,
    NAMING,
    Base,
)
from data.schema.events import (
    EVENT_TABLES,
    Arrival,
    Case,
    Certificate,
    Cluster,
    HospitalAdmission,
    RuleVersion,
    TestEvent,
    Vaccination,
)
from data.schema.imports import (
    IMPORT_TABLES,
    ImportRun,
    QualityFlag,
    RejectedRow,
    ReportedCoverage,
    ReportedSeries,
    ReportedSpan,
)
from data.schema.operations import (
    AuditLog,
    DatasetMeta,
    DataSourceStatus,
    UserSession,
)
from data.schema.reference import (
    BoundarySet,
    Fylke,
    Kommune,
    KommuneCrosswalk,
    KommuneNeighbour,
    Population,
)
from data.schema.signals import (
    AlertSubscription,
    ClusterDay,
    Outbox,
    Signal,
)

__all__ = [
    "AGE_BAND",
    "AGGREGATE_TABLES",
    "DISEASE",
    "EVENT_TABLES",
    "FYLKE",
    "IMPORT_TABLES",
    "KOMMUNE",
    "NAMING",
    "AggArrivalsDaily",
    "AggArrivalsSplit",
    "AggCasesDaily",
    "AggCasesRollup",
    "AggCertificateSeries",
    "AggHospitalDaily",
    "AggHospitalRollup",
    "AggKeyFigures",
    "AggTestsDaily",
    "AggTestsRollup",
    "AggVaccinationDaily",
    "AggVaccinationRollup",
    "AggVaccinationSeries",
    "AlertSubscription",
    "Arrival",
    "AuditLog",
    "Base",
    "BoundarySet",
    "Case",
    "Certificate",
    "Cluster",
    "ClusterDay",
    "DataSourceStatus",
    "DatasetMeta",
    "Fylke",
    "HospitalAdmission",
    "ImportRun",
    "Kommune",
    "KommuneCrosswalk",
    "KommuneNeighbour",
    "Outbox",
    "Population",
    "QualityFlag",
    "RejectedRow",
    "ReportedCoverage",
    "ReportedSeries",
    "ReportedSpan",
    "RuleVersion",
    "Signal",
    "TestEvent",
    "UserSession",
    "Vaccination",
]
