"""Person-level tracing data: cluster membership and transmission links.

The only module that opens the tracing store. Every function requires the tracing permission
in the caller's scope and a cluster inside the caller's kommuner; every read is written to the
audit log. Results are never cached, so no other user can be served them.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from data import audit, db
from data.schema import Cluster
from data.scope import Scope, ScopeError
from data.tracing_schema import ClusterMembership, TransmissionLink


def _authorise(scope: Scope, cluster_id: str, what: str) -> str:
    if not scope.tracing:
        error = ScopeError(f"Rollen {scope.role} har ikke tilgang til smittesporingsdata")
        audit.refused(scope, what, error)
        raise error
    with db.engine("main").connect() as conn:
        row = conn.execute(
            select(Cluster.kommunenummer, Cluster.kommuner_involved).where(Cluster.id == cluster_id)
        ).one_or_none()
    if row is None:
        raise LookupError(f"Ukjent klynge {cluster_id}")
    involved = set(str(row.kommuner_involved or row.kommunenummer).split())
    if scope.kommuner is not None and not involved & scope.kommuner:
        error = ScopeError(
            f"Klyngen {cluster_id} er utenfor dine kommuner", kommunenummer=row.kommunenummer
        )
        audit.refused(scope, what, error)
        raise error
    return str(row.kommunenummer)


def cluster_members(*, scope: Scope, cluster_id: str) -> pd.DataFrame:
    """Members of one cluster (pseudonymous keys), audited.

    Columns: person_key, kommunenummer, age_band, test_date, role.
    """
    kommune = _authorise(scope, cluster_id, "tracing.cluster_members")
    m = ClusterMembership
    q = select(m.person_key, m.kommunenummer, m.age_band, m.test_date, m.role).where(
        m.cluster_id == cluster_id
    )
    if scope.kommuner is not None:
        q = q.where(m.kommunenummer.in_(sorted(scope.kommuner)))
    with db.engine("tracing").connect() as conn:
        rows = conn.execute(q.order_by(m.test_date, m.person_key)).all()
    frame = pd.DataFrame(
        rows, columns=["person_key", "kommunenummer", "age_band", "test_date", "role"]
    )
    audit.record(
        scope,
        "tracing_read",
        kommunenummer=kommune,
        detail={"read": "cluster_members", "cluster_id": cluster_id, "rows": len(frame)},
    )
    return frame


def transmission_links(*, scope: Scope, cluster_id: str) -> pd.DataFrame:
    """Links within one cluster, audited.

    Columns: source, target, link_date, setting, confidence.
    """
    kommune = _authorise(scope, cluster_id, "tracing.transmission_links")
    t = TransmissionLink
    q = select(
        t.source_person_key, t.target_person_key, t.link_date, t.setting, t.confidence
    ).where(t.cluster_id == cluster_id)
    if scope.kommuner is not None:
        # a cluster crossing kommune borders: only links between members the reader may see
        m = ClusterMembership
        visible = select(m.person_key).where(
            m.cluster_id == cluster_id, m.kommunenummer.in_(sorted(scope.kommuner))
        )
        q = q.where(t.source_person_key.in_(visible), t.target_person_key.in_(visible))
    with db.engine("tracing").connect() as conn:
        rows = conn.execute(q.order_by(t.link_date)).all()
    frame = pd.DataFrame(rows, columns=["source", "target", "link_date", "setting", "confidence"])
    audit.record(
        scope,
        "tracing_read",
        kommunenummer=kommune,
        detail={"read": "transmission_links", "cluster_id": cluster_id, "rows": len(frame)},
    )
    return frame
