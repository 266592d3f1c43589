"""Deterministic synthetic demo data for the whole country (to be labelled as demo data).

    from data.synthetic import generate, SCALES
    ds = generate(scale="small", seed=42, progress=True)  # "tiny" | "small" | "full"
    ds.tables   # population, test_event, case, vaccination, certificate, arrival,
                # hospital_admission, cluster, rule_version
    ds.tracing  # cluster_membership, transmission_link
    ds.meta     # data_date, period_start, period_end, seed, scale, population_fraction,
                # generated_by

Columns are named exactly as in :mod:`data.schema` / :mod:`data.tracing_schema`, without the
autoincrement ``id`` of the event tables; ``cluster.id`` ("K2021-00042") and
``rule_version.id`` (1..n, referenced by ``certificate.rule_version_id`` and
``supersedes_id``) are included. Column types: dates are ``datetime64[ns]`` at midnight (NaT
where unknown), codes and other repeated strings are ``category`` (NaN where missing),
booleans are ``bool`` except ``arrival.test_positive`` (nullable ``boolean``, NA when not
tested), ``rule_version.parameters`` holds dicts and ``supersedes_id`` is ``Int32``.

Steps: kommuner → population and a registry of synthetic persons → rules → vaccination →
epidemic (at full population) → arrivals and imported cases → cases → clusters → test events →
hospital admissions → certificates. People are pseudonymous integer keys only. Pure
numpy/pandas; :mod:`data.load` writes the result to the stores.
"""

from data.synthetic._common import SCALES, Scale
from data.synthetic.generate import SyntheticDataset, generate

__all__ = ["SCALES", "Scale", "SyntheticDataset", "generate"]
