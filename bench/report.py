"""One side-by-side table (SQLite | PostgreSQL) from the JSON files the benchmark parts wrote
(``bench/scale.sh``: ``instance/bench/{sqlite,postgresql}-{run,load,browser}.json``), printed
and appended to ``bench/results.md``. ``python -m bench.report instance/bench``."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

RESULTS = Path(__file__).with_name("results.md")
BACKENDS = ("sqlite", "postgresql")
PARTS = ("run", "browser", "lighthouse", "surge", "load")


def heading(title: str, *details: str) -> str:
    """A part's heading: its title, the time, the machine (cores, Python, load average: other
    processes share the cores) and ``details`` (data, backend …)."""
    return " · ".join(
        [
            f"## {title}",
            dt.datetime.now().isoformat(timespec="minutes"),
            f"{os.cpu_count()} cores",
            f"Python {platform.python_version()}",
            f"load average {os.getloadavg()[0]:.1f}",
            *details,
        ]
    )


def publish(text: str, *, append: bool) -> None:
    """Print a benchmark's result text; with ``append`` add it to ``bench/results.md``."""
    print(text)
    if append:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


def emit(
    header: str, rows: list[tuple[str, str]], json_path: str | None = None, *, append: bool = False
) -> list[str]:
    """Print one part's table; for the side-by-side report write it as JSON too, and with
    ``append`` add it to ``bench/results.md``. Returns the printed lines."""
    width = max(len(k) for k, _ in rows)
    lines = [header, ""] + [f"| {k.ljust(width)} | {v} |" for k, v in rows]
    print("\n".join(lines))
    if append:
        with RESULTS.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n\n")
    if json_path:
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(
            json.dumps({"header": header, "rows": rows}, ensure_ascii=False, indent=1)
        )
    return lines


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "instance/bench")
    table: dict[str, dict[str, str]] = {}
    order: list[str] = []
    headers = []
    for part in PARTS:
        for backend in BACKENDS:
            path = folder / f"{backend}-{part}.json"
            if not path.exists():
                continue
            data = json.loads(path.read_text())
            headers.append(f"- {backend} {part}: {data['header'].lstrip('# ')}")
            for label, value in data["rows"]:
                if label not in table:
                    table[label] = {}
                    order.append(label)
                table[label][backend] = value
    if not order:
        print(f"no benchmark results in {folder}")
        return
    width = max(len(k) for k in order)
    lines = [
        f"## Side by side · {dt.datetime.now().isoformat(timespec='minutes')} · "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · "
        f"load average {os.getloadavg()[0]:.1f}",
        "",
        *headers,
        "",
        f"| {'measure'.ljust(width)} | SQLite | PostgreSQL + Redis |",
        f"|{'-' * (width + 2)}|---|---|",
        *(
            f"| {k.ljust(width)} | {table[k].get('sqlite', '–')} | "
            f"{table[k].get('postgresql', '–')} |"
            for k in order
        ),
    ]
    print("\n".join(lines))
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
