"""The frames of the diseases beside covid-19 (:mod:`data.synthetic.diseases`,
:mod:`data.synthetic.pathogen`), appended to covid-19's without turning their categorical
columns into object columns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data.synthetic._common import constant_categorical
from data.synthetic.cases import case_table
from data.synthetic.clusters import cluster_tables
from data.synthetic.diseases import DiseaseRows
from data.synthetic.hospital import admission_table
from data.synthetic.testing import test_table


def disease_frames(
    rows: DiseaseRows, keys: np.ndarray, codes: tuple[str, ...]
) -> tuple[dict[str, pd.DataFrame], dict[str, pd.DataFrame]]:
    """The event and tracing frames of one disease (its ``disease`` column set)."""
    from data.synthetic import arrivals as arrivals_mod

    cases = rows.cases
    cluster, membership, links = cluster_tables(rows.clusters, cases, keys, codes)
    tables = {
        "case": case_table(cases, keys, codes, rows.clusters.ids),
        "test_event": test_table(rows.tests, keys, codes),
        "hospital_admission": admission_table(rows.admissions, cases, keys, codes),
        "cluster": cluster,
    }
    if rows.arrivals is not None:
        tables["arrival"] = arrivals_mod.arrival_table(rows.arrivals, keys, codes)  # type: ignore[arg-type]
    if rows.subtype is not None:
        tables["case"]["subtype"] = pd.Categorical.from_codes(rows.subtype, rows.subtypes)
    tracing = {"cluster_membership": membership, "transmission_link": links}
    for frame in [*tables.values(), membership]:
        if "disease" in frame.columns:
            frame["disease"] = constant_categorical(rows.disease, len(frame))
    return tables, tracing


def append(frames: dict[str, pd.DataFrame], extra: dict[str, pd.DataFrame]) -> None:
    """Append rows to frames in place, keeping categorical columns categorical (the union of
    the categories), so that the large covid-19 frames are not turned into object columns."""
    for name, more in extra.items():
        if more.empty:
            continue
        base = frames.get(name)
        if base is None or base.empty:
            frames[name] = more.reset_index(drop=True)
            continue
        columns = {}
        for column in base.columns:
            a, b = base[column], more.get(column, None)
            if b is None:
                b = pd.Series([None] * len(more))
            if isinstance(a.dtype, pd.CategoricalDtype) or isinstance(b.dtype, pd.CategoricalDtype):
                cats = list(dict.fromkeys([*_categories(a), *_categories(b)]))
                columns[column] = pd.Categorical(
                    np.concatenate([a.astype(object).to_numpy(), b.astype(object).to_numpy()])
                    if not isinstance(a.dtype, pd.CategoricalDtype)
                    else _concat_categorical(a, b, cats),
                    categories=cats,
                )
            else:
                columns[column] = pd.concat([a, b], ignore_index=True)
        frames[name] = pd.DataFrame(columns)


def _categories(series: pd.Series) -> list[object]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return list(series.cat.categories)
    return [v for v in pd.unique(series.dropna())]


def _concat_categorical(a: pd.Series, b: pd.Series, cats: list[object]) -> pd.Categorical:
    """Codes of ``a`` kept (its categories come first in ``cats``), ``b`` recoded."""
    codes_a = a.cat.codes.to_numpy().astype(np.int32)
    lookup = {c: i for i, c in enumerate(cats)}
    if isinstance(b.dtype, pd.CategoricalDtype):
        mapping = np.array([lookup[c] for c in b.cat.categories] + [-1], dtype=np.int32)
        codes_b = mapping[b.cat.codes.to_numpy()]
    else:
        codes_b = np.array([lookup.get(v, -1) for v in b.to_numpy()], dtype=np.int32)
    return pd.Categorical.from_codes(np.concatenate([codes_a, codes_b]), categories=cats)
