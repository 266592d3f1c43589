"""Person-level tracing data: cluster membership and transmission links.

The only module that opens the tracing store. Every function requires the tracing permission
in the caller's scope and a cluster involving the caller's *tracing* area (the own kommune of
the role that carries the permission, never the dashboard area another role adds); members
outside that area are never returned as persons: a link between an own member and a member
elsewhere keeps the other end as an anonymous node (a number valid in one answer only, and the
kommune), with no key, date, age or role of that person. Every read and every refusal is
written to the audit log with the reader's kommune and the cluster's kommune. An unknown
cluster is refused like a foreign one, so that refusals do not tell which cluster ids exist.
Results are never cached, so no other user can be served them.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, or_, select

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


def _audited(
    frame: pd.DataFrame, scope: Scope, kommune: str, read: str, cluster_id: str
) -> pd.DataFrame:
    """``frame``, once the read of a cluster's tracing details is in the audit log."""
    detail = {"read": read, "cluster_id": cluster_id}
    audit.record(scope, "tracing_read", kommunenummer=kommune, detail=detail)
    return frame


def cluster_members(*, scope: Scope, cluster_id: str) -> pd.DataFrame:
    """Members of one cluster in the reader's tracing area (pseudonymous keys), audited.

    Columns: person_key, kommunenummer, age_band, test_date, role. ``attrs["elsewhere"]``
    says whether the cluster also has cases in another kommune; ``attrs["members_total"]``
    and ``attrs["members_outside"]`` how many members it has, and how many of them lie outside
    the reader's tracing area (counts only: who they are is not returned).
    """
    kommune, involved = _authorise(scope, cluster_id, "tracing.cluster_members")
    m = ClusterMembership
    own = sorted(scope.tracing_kommuner)
    q = select(m.person_key, m.kommunenummer, m.age_band, m.test_date, m.role).where(
        m.cluster_id == cluster_id
    )
    q = q.where(m.kommunenummer.in_(own))
    total = select(func.count(func.distinct(m.person_key))).where(m.cluster_id == cluster_id)
    with db.engine("tracing").connect() as conn:
        rows = conn.execute(q.order_by(m.test_date, m.person_key)).all()
        members_total = int(conn.execute(total).scalar_one())
    frame = pd.DataFrame(
        rows, columns=["person_key", "kommunenummer", "age_band", "test_date", "role"]
    )
    frame.attrs["elsewhere"] = bool(involved - scope.tracing_kommuner)
    frame.attrs["members_total"] = members_total
    frame.attrs["members_outside"] = members_total - int(frame["person_key"].nunique())
    return _audited(frame, scope, kommune, "cluster_members", cluster_id)


def transmission_links(*, scope: Scope, cluster_id: str) -> pd.DataFrame:
    """Links within one cluster that touch a member in the reader's tracing area, audited.

    Columns: source, target, link_date, setting, confidence. A link to or from a member
    outside the area names that end by an anonymous negative number instead of the person's
    key; ``attrs["outside"]`` lists those nodes (columns ``node``, ``kommunenummer``) and
    nothing else about them. Such a link has no date, and its setting and confidence only
    when its target (the infected case) is the reader's own: where an outside person was
    infected is that person's detail. Links between two outside members are not returned.
    """
    kommune, _involved = _authorise(scope, cluster_id, "tracing.transmission_links")
    t = TransmissionLink
    m = ClusterMembership
    own = sorted(scope.tracing_kommuner)
    visible = select(m.person_key).where(m.cluster_id == cluster_id, m.kommunenummer.in_(own))
    q = select(
        t.source_person_key, t.target_person_key, t.link_date, t.setting, t.confidence
    ).where(
        t.cluster_id == cluster_id,
        or_(t.source_person_key.in_(visible), t.target_person_key.in_(visible)),
    )
    with db.engine("tracing").connect() as conn:
        rows = conn.execute(q.order_by(t.link_date, t.target_person_key)).all()
        inside = set(conn.execute(visible).scalars())
        kommune_of = dict(
            conn.execute(
                select(m.person_key, m.kommunenummer).where(
                    m.cluster_id == cluster_id, m.kommunenummer.not_in(own)
                )
            ).all()
        )
    frame = pd.DataFrame(rows, columns=["source", "target", "link_date", "setting", "confidence"])
    frame, outside = _anonymise(frame, inside, kommune_of)
    frame.attrs["outside"] = outside
    return _audited(frame, scope, kommune, "transmission_links", cluster_id)


def _anonymise(
    links: pd.DataFrame, inside: set[int], kommune_of: dict[int, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace the keys of members outside the reader's area by -1, -2, … numbered by their
    kommune and the own members they are linked to (nothing of theirs decides the number)."""
    links = links.copy()
    outer: dict[int, tuple[str, int]] = {}
    for source, target in zip(links["source"], links["target"], strict=True):
        for key, partner in ((source, target), (target, source)):
            if key not in inside and partner in inside:
                order = (str(kommune_of.get(key, "")), int(partner))
                outer[key] = min(outer.get(key, order), order)
    ranked = sorted(outer, key=lambda k: outer[k])
    node_of = {key: -(i + 1) for i, key in enumerate(ranked)}
    crossing = ~(links["source"].isin(inside) & links["target"].isin(inside))
    into_outside = ~links["target"].isin(inside)
    links["source"] = links["source"].map(lambda k: node_of.get(k, k))
    links["target"] = links["target"].map(lambda k: node_of.get(k, k))
    links["link_date"] = links["link_date"].astype(object).where(~crossing, None)
    links["setting"] = links["setting"].where(~into_outside, None)
    links["confidence"] = links["confidence"].astype(object).where(~into_outside, None)
    outside = pd.DataFrame(
        {
            "node": [node_of[k] for k in ranked],
            "kommunenummer": [str(kommune_of.get(k, "")) for k in ranked],
        }
    )
    return links, outside
