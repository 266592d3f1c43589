"""The Kommuneoversikt's published tables: two per data version and date, one per disclosure
policy, cut to the reader's scope on read.

Every published cell of the overview is judged row by row (:mod:`data.published`,
:mod:`data.protection`: no secondary suppression, each count its own perturbation), by
whether the reader may see small numbers for that row's kommune. So the rows of any scope are
the whole country's rows under the protected policy (:data:`PROTECTED`: no small numbers, the
KS-analytiker's, the kriseledelse's, the administrator's) where the scope may not see small
numbers, and under the open policy (:data:`OPEN`) where it may (a fylkeslege's county, a
kommuneoverlege's own kommune), cut to the scope's kommuner. Each of the two tables is built
once per (data version, date) and kept in the shared result cache (Redis in scale mode, the
shared folder of the embedded default: every worker reads it), serialised, under a key like
every cached read's (data version, disclosure policy, language): the KS-analytiker and a
fylkeslege read the same precomputed protected rows. That the rows equal those built for the
reader's scope alone: ``tests/test_overview_store.py``. The open table holds true small
counts, as the result cache's raw tables do; only a scope's own visible rows leave it.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Hashable

import pandas as pd

from data import cache as data_cache
from data.scope import Scope

PROTECTED = Scope(user_id="overview-store", role="published", kommuner=None)
OPEN = Scope(
    user_id="overview-store",
    role="published",
    kommuner=None,
    small_numbers=True,
    small_number_kommuner=None,
)
TIMEOUT_SECONDS = 24 * 3600  # keyed by the data version: it cannot outlive its data


def policy_table(
    name: str, *, policy: Scope, arguments: Hashable, build: Callable[[Scope], pd.DataFrame]
) -> pd.DataFrame:
    """``build(policy)``, from the shared cache when it is there, else built and kept."""
    key, hit = data_cache.lookup(f"data.overview_store.{name}", (arguments, policy))
    if hit is not None:
        table: pd.DataFrame = pickle.loads(hit)
        return table
    table = build(policy)
    if key is not None:
        data_cache.store(key, pickle.dumps(table, protocol=5), timeout=TIMEOUT_SECONDS)
    return table


def published_rows(
    name: str,
    *,
    scope: Scope,
    arguments: Hashable,
    build: Callable[[Scope], pd.DataFrame],
) -> pd.DataFrame:
    """The rows of ``scope`` (one per kommune of its area, in the whole table's order) of the
    table ``build(policy)`` makes for the whole country (``kommunenummer`` column): from the
    protected table, and from the open one where ``scope`` may see small numbers."""
    table = policy_table(name, policy=PROTECTED, arguments=arguments, build=build)
    if scope.small_numbers:
        visible = table["kommunenummer"].map(scope.may_see_small_numbers).astype(bool)
        if visible.any():
            open_ = policy_table(name, policy=OPEN, arguments=arguments, build=build)
            if not open_["kommunenummer"].equals(table["kommunenummer"]):
                raise RuntimeError(f"{name}: the policies' tables differ in their rows")
            table = pd.concat([table[~visible], open_[visible]]).sort_index(kind="stable")
    allowed = scope.restrict(None)
    if allowed is not None:
        table = table[table["kommunenummer"].isin(allowed)]
    return table.reset_index(drop=True)
