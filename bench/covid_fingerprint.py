"""Fingerprint of one disease's rows in a built store (default covid-19): per table its row
count and a SHA-256 of its rows in sorted order, tables with a ``disease`` column filtered to
the disease, ``cluster_day`` to the disease's clusters, tables without one whole. Two builds
compared this way show that adding other diseases left covid-19's rows as they were.

``python -m bench.covid_fingerprint before/main.sqlite after/main.sqlite``
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys

SKIP = {"alembic_version", "sqlite_sequence", "dataset_meta", "data_source_status"}


def fingerprint(path: str, disease: str = "covid19") -> dict[str, tuple[int, str]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    names = [
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY 1")
    ]
    out: dict[str, tuple[int, str]] = {}
    for table in names:
        if table in SKIP:
            continue
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        quoted = ", ".join(f'"{c}"' for c in columns)
        where, args = "", ()
        if "disease" in columns:
            where, args = " WHERE disease = ?", (disease,)
        elif table == "cluster_day":
            where = " WHERE cluster_id IN (SELECT id FROM cluster WHERE disease = ?)"
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
    a, b = fingerprint(args.before, args.disease), fingerprint(args.after, args.disease)
    differ = sorted(t for t in a.keys() | b.keys() if a.get(t) != b.get(t))
    for table in sorted(a.keys() | b.keys()):
        mark = "DIFFERS" if table in differ else "same"
        print(f"{table:32} {a.get(table)!s:32} {b.get(table)!s:32} {mark}")
    print(f"{len(differ)} of {len(a.keys() | b.keys())} tables differ")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
