"""Person-level tracing data: cluster membership and transmission links.

The only module that opens the tracing store. Every function requires the tracing permission
in the caller's scope and a cluster involving the caller's *tracing* area (the own kommune of
the role that carries the permission, never the dashboard area another role adds); members
outside that area are not returned. Every read and every refusal is written to the audit log
with the reader's kommune and the cluster's kommune. An unknown cluster is refused like a
foreign one, so that refusals do not tell which cluster ids exist. Results are never cached,
so no other user can be served them.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from data import audit, db
from data.schema import Cluster
from data.scope import Scope, ScopeError
from data.tracing_schema import ClusterMembership, TransmissionLink


def _authorise(scope: Scope, cluster_id: str, what: str) -> tuple[str, set[str]]:
    if not scope.tracing:
        error = ScopeError(f"Rollen {scope.role} har ikke tilgang til smittesporingsdata")
        audit.refused(scope, what, error)
        raise error
    with db.engine("main").connect() as conn:
        row = conn.execute(
            select(Cluster.kommunenummer, Cluster.kommuner_involved).where(Cluster.id == cluster_id)
        ).one_or_none()
    involved = set(str(row.kommuner_involved or row.kommunenummer).split()) if row else set()
    if row is None or not scope.may_trace(involved):
        error = ScopeError(
            f"Klyngen {cluster_id} er ukjent eller utenfor kommunen din for smittesporing",
            kommunenummer=None if row is None else row.kommunenummer,
        )
        audit.refused(scope, what, error)
        raise error
    return str(row.kommunenummer), involved


def cluster_members(*, scope: Scope, cluster_id: str) -> pd.DataFrame:
    """Members of one cluster in the reader's tracing area (pseudonymous keys), audited.

    Columns: person_key, kommunenummer, age_band, test_date, role. ``attrs["elsewhere"]``
    says whether the cluster also has cases in another kommune (shown as "tilfelle i annen
    kommune", without person details or their number).
    """
    kommune, involved = _authorise(scope, cluster_id, "tracing.cluster_members")
    m = ClusterMembership
    q = select(m.person_key, m.kommunenummer, m.age_band, m.test_date, m.role).where(
        m.cluster_id == cluster_id
    )
    q = q.where(m.kommunenummer.in_(sorted(scope.tracing_kommuner)))
    with db.engine("tracing").connect() as conn:
        rows = conn.execute(q.order_by(m.test_date, m.person_key)).all()
    frame = pd.DataFrame(
        rows, columns=["person_key", "kommunenummer", "age_band", "test_date", "role"]
    )
    frame.attrs["elsewhere"] = bool(involved - scope.tracing_kommuner)
    audit.record(
        scope,
        "tracing_read",
        kommunenummer=kommune,
        detail={"read": "cluster_members", "cluster_id": cluster_id},
    )
    return frame


def transmission_links(*, scope: Scope, cluster_id: str) -> pd.DataFrame:
    """Links within one cluster, audited.

    Columns: source, target, link_date, setting, confidence.
    """
    kommune, _involved = _authorise(scope, cluster_id, "tracing.transmission_links")
    t = TransmissionLink
    q = select(
        t.source_person_key, t.target_person_key, t.link_date, t.setting, t.confidence
    ).where(t.cluster_id == cluster_id)
    # a cluster crossing kommune borders: only links between members the reader may trace
    m = ClusterMembership
    visible = select(m.person_key).where(
        m.cluster_id == cluster_id, m.kommunenummer.in_(sorted(scope.tracing_kommuner))
    )
    q = q.where(t.source_person_key.in_(visible), t.target_person_key.in_(visible))
    with db.engine("tracing").connect() as conn:
        rows = conn.execute(q.order_by(t.link_date)).all()
    frame = pd.DataFrame(rows, columns=["source", "target", "link_date", "setting", "confidence"])
    audit.record(
        scope,
        "tracing_read",
        kommunenummer=kommune,
        detail={"read": "transmission_links", "cluster_id": cluster_id},
    )
    return frame
