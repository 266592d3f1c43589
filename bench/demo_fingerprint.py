"""Fingerprint of a built store: per table its row count and a SHA-256 of its rows in sorted
order, so that two builds (before and after a change to the build) can be compared table by
table. ``python -m bench.demo_fingerprint main.sqlite tracing.sqlite [--out f.json]``.

Volatile values are left out: ``data_source_status.loaded_at`` and the ``data_version`` and
``disclosure_secret`` rows of ``dataset_meta`` (build the stores with the same secret, e.g. with
``bench.demo_build --secret``, to compare the published cells).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import sys

SKIP_TABLES = {"alembic_version", "sqlite_sequence"}
VOLATILE = {"data_source_status": ("loaded_at", "id")}


def fingerprint(path: str) -> dict[str, list[object]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out: dict[str, list[object]] = {}
    tables = [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
    ]
    for table in tables:
        if table in SKIP_TABLES:
            continue
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
        columns = [c for c in columns if c not in VOLATILE.get(table, ())]
        quoted = ", ".join(f'"{c}"' for c in columns)
        where = ""
        if table == "dataset_meta":
            where = " WHERE key NOT IN ('data_version', 'disclosure_secret')"
        digest = hashlib.sha256()
        n = 0
        cursor = conn.execute(f'SELECT {quoted} FROM "{table}"{where} ORDER BY {quoted}')
        while rows := cursor.fetchmany(100_000):
            for row in rows:
                digest.update(repr(row).encode())
            n += len(rows)
        out[table] = [n, digest.hexdigest()[:16]]
    conn.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("stores", nargs="+")
    parser.add_argument("--out")
    args = parser.parse_args()
    result = {path: fingerprint(path) for path in args.stores}
    text = json.dumps(result, indent=1, sort_keys=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    json.dump(result, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
