"""Fingerprint of one disease's rows in a built store (default covid-19): per table its row
count and a SHA-256 of its rows in sorted order, tables with a ``disease`` column filtered to
the disease, ``cluster_day`` and ``transmission_link`` to the disease's clusters, tables
without either whole. Two builds compared this way show that adding other diseases left
covid-19's rows as they were (in the columns both stores have).

``python -m bench.covid_fingerprint before/main.sqlite after/main.sqlite``
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys

SKIP = {"alembic_version", "sqlite_sequence", "dataset_meta", "data_source_status"}


def columns_of(path: str) -> dict[str, list[str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in names}


def fingerprint(
    path: str, disease: str = "covid19", only: dict[str, list[str]] | None = None
) -> dict[str, tuple[int, str]]:
    """``only``: the columns to hash per table (a column added since, e.g. ``case.subtype``,
    is left out when comparing with an older store)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1")
    ]
    out: dict[str, tuple[int, str]] = {}
    for table in names:
        if table in SKIP:
            continue
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        if only is not None:
            columns = [c for c in columns if c in only.get(table, columns)]
        quoted = ", ".join(f'"{c}"' for c in columns)
        where = ""
        args: tuple[str, ...] = ()
        if "disease" in columns:
            where, args = " WHERE disease = ?", (disease,)
        elif "cluster_id" in columns:  # cluster_day, transmission_link: by their cluster
            source = (
                "SELECT id FROM cluster"
                if "cluster" in names
                else "SELECT cluster_id FROM cluster_membership"
            )
            where = f" WHERE cluster_id IN ({source} WHERE disease = ?)"
            args = (disease,)
        digest = hashlib.sha256()
        n = 0
        for row in conn.execute(f'SELECT {quoted} FROM "{table}"{where} ORDER BY {quoted}', args):
            digest.update(repr(row).encode())
            n += 1
        out[table] = (n, digest.hexdigest()[:16])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--disease", default="covid19")
    args = parser.parse_args()
    before, after = columns_of(args.before), columns_of(args.after)
    common = {t: [c for c in cs if c in after.get(t, cs)] for t, cs in before.items()}
    added = {t: sorted(set(cs) - set(before.get(t, cs))) for t, cs in after.items()}
    for table, names in sorted(added.items()):
        if names:
            print(f"{table}: columns added since, not compared: {', '.join(names)}")
    a = fingerprint(args.before, args.disease, common)
    b = fingerprint(args.after, args.disease, common)
    differ = sorted(t for t in a.keys() | b.keys() if a.get(t) != b.get(t))
    for table in sorted(a.keys() | b.keys()):
        mark = "DIFFERS" if table in differ else "same"
        print(f"{table:32} {a.get(table)!s:32} {b.get(table)!s:32} {mark}")
    print(f"{len(differ)} of {len(a.keys() | b.keys())} tables differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
