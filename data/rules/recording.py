"""Recording a rule version: authorisation by scope, supersession of the previous version
and the data-version bump, in one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import and_, insert, select, update

from data import audit, certificate_aggregates, db
from data import cache as data_cache
from data.codes import CURRENT_STRUCTURE, DEFAULT_DISEASE
from data.load import bump_data_version
from data.rules.catalogue import CATEGORY_LABELS
from data.rules.validation import RuleValidationError, _date_nb, validate_rule
from data.schema import Fylke, Kommune, RuleVersion
from data.scope import Scope, ScopeError

ScopeLevel = Literal["national", "county", "kommune"]


# --------------------------------------------------------------------------- recording
@dataclass(frozen=True)
class RecordedRule:
    """The outcome of :func:`record_rule_version`."""

    id: int
    rule_key: str
    valid_from: dt.date
    valid_to: dt.date | None
    supersedes_id: int | None
    superseded_valid_to: dt.date | None  # the new end of the superseded version, if changed
    certificates: Any = None  # data.certificates_derive.Rederivation for certificate rules


def _refuse(scope: Scope, message: str, kommunenummer: str | None = None) -> ScopeError:
    error = ScopeError(message, kommunenummer=kommunenummer)
    audit.refused(scope, "record_rule_version", error)
    return error


def _authorise(scope: Scope, scope_level: Any, scope_code: Any) -> None:
    """Refuse (and audit) before looking at the input when the caller may not record this."""
    level, code = str(scope_level or ""), str(scope_code or "") or None
    if scope.edit_rules:
        return
    if not scope.edit_local_rules_for:
        raise _refuse(scope, f"Rollen {scope.role} kan ikke registrere regler.")
    if level == "kommune" and code in scope.edit_local_rules_for:
        return
    own = ", ".join(sorted(scope.edit_local_rules_for))
    what = {
        "kommune": f"regler for kommune {code}" if code else "regler uten valgt kommune",
        "county": "regler for et fylke",
        "national": "nasjonale regler",
    }.get(level, "andre regler")
    raise _refuse(
        scope,
        f"Rollen {scope.role} kan bare registrere lokale regler for egen kommune ({own}), "
        f"ikke {what}.",
        kommunenummer=code if level == "kommune" else None,
    )


def record_rule_version(
    *,
    scope: Scope,
    rule_key: str,
    category: str,
    scope_level: str,
    scope_code: str | None,
    parameters: Mapping[str, Any],
    text_nb: str,
    authority: str,
    source_url: str | None,
    valid_from: dt.date | str,
    valid_to: dt.date | str | None = None,
    disease: str = DEFAULT_DISEASE,
) -> RecordedRule:
    """Record a new version of a rule, superseding the current version of the same rule and
    scope. Raises :class:`~data.scope.ScopeError` (audited) for callers who may not record
    it, and :class:`RuleValidationError` for bad input; in both cases nothing is changed.

    A certificate rule also re-derives the certificate periods from ``valid_from`` on (see
    :mod:`data.certificates_derive`) in the same transaction.
    """
    _authorise(scope, scope_level, scope_code)
    rule = validate_rule(
        rule_key=rule_key,
        category=category,
        scope_level=scope_level,
        scope_code=scope_code,
        parameters=dict(parameters) if isinstance(parameters, Mapping) else parameters,
        text_nb=text_nb,
        authority=authority,
        source_url=source_url,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    r = RuleVersion
    same_scope = and_(
        r.disease == disease,
        r.rule_key == rule.rule_key,
        r.scope_level == rule.scope_level,
        (r.scope_code.is_(None) if rule.scope_code is None else r.scope_code == rule.scope_code),
    )
    rederived = None
    with db.engine().begin() as conn:
        errors: list[tuple[str, str]] = []
        if rule.scope_level == "county":
            known = conn.execute(
                select(Fylke.name).where(
                    Fylke.structure == CURRENT_STRUCTURE, Fylke.fylkesnummer == rule.scope_code
                )
            ).scalar_one_or_none()
            if known is None:
                errors.append(("scope_code", f"Fylke/kommune: fant ikke fylke {rule.scope_code}."))
        if rule.scope_level == "kommune":
            known = conn.execute(
                select(Kommune.name).where(
                    Kommune.structure == CURRENT_STRUCTURE,
                    Kommune.kommunenummer == rule.scope_code,
                )
            ).scalar_one_or_none()
            if known is None:
                errors.append(
                    ("scope_code", f"Fylke/kommune: fant ikke kommune {rule.scope_code}.")
                )
        other = conn.execute(
            select(r.category)
            .where(r.disease == disease, r.rule_key == rule.rule_key, r.category != rule.category)
            .limit(1)
        ).scalar_one_or_none()
        if other is not None:
            errors.append(
                (
                    "rule_key",
                    f"Regelnøkkel: «{rule.rule_key}» hører til kategorien "
                    f"{CATEGORY_LABELS.get(other, other)}. Velg den kategorien eller en ny nøkkel.",
                )
            )
        current = conn.execute(
            select(r.id, r.valid_from, r.valid_to)
            .where(same_scope)
            .order_by(r.valid_from.desc(), r.id.desc())
            .limit(1)
        ).first()
        if current is not None and rule.valid_from < current.valid_from:
            errors.append(
                (
                    "valid_from",
                    f"Gjelder fra: kan ikke være før gjeldende versjon (id {current.id}) trådte "
                    f"i kraft {_date_nb(current.valid_from)}. Versjoner erstattes bare fremover; "
                    "velg en senere dato.",
                )
            )
        if errors:
            raise RuleValidationError(errors)
        recorded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        result = conn.execute(
            insert(r).values(
                disease=disease,
                rule_key=rule.rule_key,
                category=rule.category,
                scope_level=rule.scope_level,
                scope_code=rule.scope_code,
                parameters=rule.parameters,
                text_nb=rule.text_nb,
                authority=rule.authority,
                source_url=rule.source_url,
                valid_from=rule.valid_from,
                valid_to=rule.valid_to,
                recorded_at=recorded_at,
                recorded_by=scope.user_id,
                supersedes_id=current.id if current is not None else None,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        new_id = int(key[0])
        superseded_to = None
        overlaps = current is not None and (
            current.valid_to is None or current.valid_to >= rule.valid_from
        )
        if current is not None and overlaps:
            superseded_to = rule.valid_from - dt.timedelta(days=1)
            conn.execute(update(r).where(r.id == current.id).values(valid_to=superseded_to))
        bump_data_version(conn)
        if rule.category == "certificate":
            from data.certificates_derive import rederive

            rederived = rederive(conn, since=rule.valid_from, disease=disease)
            certificate_aggregates.refresh(conn, disease=disease)
    data_cache.invalidate_version()
    outcome = RecordedRule(
        id=new_id,
        rule_key=rule.rule_key,
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
        supersedes_id=current.id if current is not None else None,
        superseded_valid_to=superseded_to,
        certificates=rederived,
    )
    detail: dict[str, Any] = {
        "id": new_id,
        "rule_key": rule.rule_key,
        "category": rule.category,
        "scope_level": rule.scope_level,
        "scope_code": rule.scope_code,
        "valid_from": rule.valid_from.isoformat(),
        "valid_to": rule.valid_to.isoformat() if rule.valid_to else None,
        "supersedes_id": outcome.supersedes_id,
        "parameters": rule.parameters,
    }
    if rederived is not None:
        detail["certificates"] = rederived.summary()
    audit.record(
        scope,
        "rule_recorded",
        kommunenummer=rule.scope_code if rule.scope_level == "kommune" else None,
        detail=detail,
    )
    return outcome
