"""Import benchmark: rows per second for the kommune daily file and the whole real-data folder.

Reads ``../shared/realdata`` (or ``REALDATA_DIR``); each run imports into a fresh SQLite
database in a temporary folder, so nothing else is touched. Prints numbers and ratios, never
fails on a time. Wall time depends on what else the machine does, so the best of a few runs
is reported next to the median, with the process CPU time.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("results.md")
REALDATA = Path(
    os.environ.get("REALDATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "realdata")
)
DAILY = REALDATA / "fhi_covidnor" / "covidnor_municip_daily.csv.gz"
TARGET_ROWS_PER_SECOND = 100_000
REPEAT = int(os.environ.get("BENCH_IMPORT_REPEAT", "3"))


def _fresh_engine(folder: Path):  # type: ignore[no-untyped-def]
    from data import db

    db.configure(
        database_url=f"sqlite:///{folder / 'bench.sqlite'}",
        tracing_database_url=f"sqlite:///{folder / 'tracing.sqlite'}",
    )
    db.upgrade("main")
    return db.engine("main")


def _one_file() -> tuple[float, float, int, int]:
    from data.importers import runner

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        engine = _fresh_engine(Path(tmp))
        runner.prepare(engine)
        wall, cpu = time.perf_counter(), time.process_time()
        result = runner.import_file(engine, DAILY)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        engine.dispose()
    return wall, cpu, result.rows_read, result.facts


def _folder() -> tuple[float, float, dict[str, float], float]:
    from data.importers import runner

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        engine = _fresh_engine(Path(tmp))
        wall, cpu = time.perf_counter(), time.process_time()
        report = runner.run(engine, runner.folder_files(REALDATA))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        files = {Path(r.file).name: r.seconds for r in report.results}
        again = time.perf_counter()
        runner.run(engine, runner.folder_files(REALDATA))
        noop = time.perf_counter() - again
        engine.dispose()
    return wall, cpu, files, noop


def _erviss() -> list[tuple[str, int, int, float]]:
    """ERVISS files (every country read, the Norway rows loaded): name, rows read, rows
    loaded and the best wall time of ``REPEAT`` imports into a fresh store."""
    from data.importers import runner

    out = []
    for path in sorted((REALDATA / "ecdc_erviss").glob("*.csv.gz")):
        best, read, loaded = float("inf"), 0, 0
        for _ in range(REPEAT):
            with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
                engine = _fresh_engine(Path(tmp))
                runner.prepare(engine)
                wall = time.perf_counter()
                result = runner.import_file(engine, path)
                best = min(best, time.perf_counter() - wall)
                read, loaded = result.rows_read, result.rows_loaded
                engine.dispose()
        out.append((path.name, read, loaded, best))
    return out


def main() -> None:
    if not DAILY.is_file():
        print(f"import benchmark skipped: {DAILY} not found (set REALDATA_DIR)")
        return
    runs = [_one_file() for _ in range(REPEAT)]
    rows = runs[0][2]
    walls = [r[0] for r in runs]
    cpus = [r[1] for r in runs]
    best, median = min(walls), statistics.median(walls)
    folder_wall, folder_cpu, files, noop = _folder()
    lines = [
        f"## {dt.datetime.now().isoformat(timespec='minutes')} · imports · {os.cpu_count()} cores"
        f" · {platform.python_version()} · SQLite",
        "",
        f"| kommune daily file: rows (facts written) | {rows:,} ({runs[0][3]:,}) |",
        f"| kommune daily file: rows/s, best of {REPEAT} (wall) | {rows / best:,.0f} |",
        f"| kommune daily file: rows/s, median (wall) | {rows / median:,.0f} |",
        f"| kommune daily file: rows/s (CPU time, best) | {rows / min(cpus):,.0f} |",
        f"| rows/s best ÷ target {TARGET_ROWS_PER_SECOND:,} | "
        f"{rows / best / TARGET_ROWS_PER_SECOND:.2f} |",
        f"| whole folder ({len(files)} files incl. derived tables): s (wall / CPU) | "
        f"{folder_wall:.1f} / {folder_cpu:.1f} |",
        f"| re-import of the whole folder (no-op): s | {noop:.2f} |",
    ]
    for name, read, loaded, wall in _erviss():
        lines.append(
            f"| ERVISS {name}: rows read (Norway loaded), rows/s best of {REPEAT} | "
            f"{read:,} ({loaded:,}), {read / wall:,.0f} |"
        )
    print("\n".join(lines))
    slowest = sorted(files.items(), key=lambda kv: -kv[1])[:5]
    print("slowest files: " + ", ".join(f"{n} {s:.2f} s" for n, s in slowest))
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n\n")


if __name__ == "__main__":
    main()
