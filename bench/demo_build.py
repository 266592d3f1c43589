"""Phase table of a demo build: wall and CPU time (user + sys, this process and its children)
of every generation step, every table's load, every derived table and the signals, plus the
store's size and the peak RSS. Prints numbers; never fails on a time.

``python -m bench.demo_build --scale small --dir /tmp/demo-bench`` builds into fresh SQLite
files in ``--dir`` (the configured stores are left alone).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import os
import resource
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _own_cpu() -> float:
    """CPU of the loader's process alone: on idle cores, its sum is about the wall time."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


class Phases:
    """Nested phase timings in the order they started."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, float, float, float]] = []
        self.depth = 0

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        index = len(self.rows)
        self.rows.append((self.depth, name, 0.0, 0.0, 0.0))
        self.depth += 1
        wall, cpu, own = time.perf_counter(), _cpu(), _own_cpu()
        try:
            yield
        finally:
            self.depth -= 1
            self.rows[index] = (
                self.depth,
                name,
                time.perf_counter() - wall,
                _cpu() - cpu,
                _own_cpu() - own,
            )

    def wrap(self, module: Any, attr: str, name: str | None = None) -> None:
        """Time every call of ``module.attr`` (patched in place)."""
        original = getattr(module, attr)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            label = name or attr
            if attr == "bulk_insert" and len(args) > 1:
                label = f"insert {args[1].name}"
            with self.phase(label):
                return original(*args, **kwargs)

        setattr(module, attr, timed)

    def table(self) -> str:
        lines = [
            "| phase | wall s | CPU s (all processes) | CPU s (loader) |",
            "|---|---:|---:|---:|",
        ]
        for depth, name, wall, cpu, own in self.rows:
            if depth > 3 or (wall < 0.3 and depth > 0):
                continue
            lines.append(f"| {'  ' * depth}{name} | {wall:.1f} | {cpu:.1f} | {own:.1f} |")
        return "\n".join(lines)


def _instrument(phases: Phases) -> None:
    from data import aggregates

    load_mod = importlib.import_module("data.load")
    phases.wrap(load_mod, "bulk_insert")
    phases.wrap(load_mod, "load_reference")
    for mod_name, attrs in {
        "data.aggregates": ["refresh"],
        "data.rollups": ["refresh"],
        "data.page_tables": ["refresh"],
        "data.key_figures": ["refresh"],
        "data.vaccination_series": ["refresh"],
        "data.arrival_splits": ["refresh"],
        "data.certificate_aggregates": ["refresh"],
        "data.official_series": ["apply"],
    }.items():
        mod = importlib.import_module(mod_name)
        for attr in attrs:
            phases.wrap(mod, attr, f"{mod_name.removeprefix('data.')}.{attr}")
    from sqlalchemy import Index

    from data import derive_frames

    original_create = Index.create

    def create(index: Any, bind: Any, checkfirst: bool = False) -> None:
        with phases.phase(f"index {index.table.name}"):
            original_create(index, bind, checkfirst=checkfirst)

    Index.create = create  # type: ignore[method-assign, assignment]
    phases.wrap(derive_frames.Derivation, "result", "derivation.result (wait or derive)")
    # steps of aggregates.refresh are looked up in its STEPS tuple
    aggregates.STEPS = tuple(  # type: ignore[assignment]
        (table, _timed_fn(phases, f"agg {table.__tablename__}", fn))
        for table, fn in aggregates.STEPS
    )


def _timed_fn(phases: Phases, name: str, fn: Any) -> Any:
    @functools.wraps(fn)
    def timed(*args: Any, **kwargs: Any) -> Any:
        with phases.phase(name):
            return fn(*args, **kwargs)

    return timed


def _instrument_generator(phases: Phases) -> None:
    """Time each generation step: they are local functions, so wrap tqdm's progress loop."""
    gen = importlib.import_module("data.synthetic.generate")
    real_tqdm = gen.tqdm

    class StepBar(real_tqdm):  # type: ignore[misc, valid-type]
        def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
            self._close_step()
            self._step: Any = phases.phase(f"gen {s}")
            self._step.__enter__()
            super().set_postfix_str(s, refresh)

        def _close_step(self) -> None:
            step = getattr(self, "_step", None)
            if step is not None:
                step.__exit__(None, None, None)
                self._step = None

        def close(self) -> None:
            self._close_step()
            super().close()

    gen.tqdm = StepBar  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="small")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dir", default="/tmp/demo-bench")
    parser.add_argument("--no-signals", action="store_true")
    parser.add_argument("--secret", help="disclosure secret (to compare published cells)")
    args = parser.parse_args()

    folder = Path(args.dir)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'main.sqlite'}"
    os.environ["TRACING_DATABASE_URL"] = f"sqlite:///{folder / 'tracing.sqlite'}"

    from data import db
    from data.load import load_dataset
    from data.synthetic import generate

    secret = {"disclosure_secret": args.secret} if args.secret else {}
    phases = Phases()
    _instrument(phases)
    _instrument_generator(phases)
    db.configure(
        database_url=os.environ["DATABASE_URL"],
        tracing_database_url=os.environ["TRACING_DATABASE_URL"],
    )
    with phases.phase("total"):
        with phases.phase("schema"):
            db.upgrade()
        with phases.phase("generate"):
            ds = generate(scale=args.scale, seed=args.seed, progress=True)
        rows = sum(len(f) for f in ds.tables.values()) + sum(len(f) for f in ds.tracing.values())
        with phases.phase("load"):
            load_dataset(
                main=db.engine("main"),
                tracing=db.engine("tracing"),
                tables=ds.tables,
                tracing_tables=ds.tracing,
                meta={**ds.meta, "is_demo": "true", "source": "demo", **secret},
                source=f"demo:{args.scale}:{args.seed}",
                progress=False,
            )
        del ds
        if not args.no_signals:
            from data.signals_build import compute

            with phases.phase("signals"):
                compute(db.engine("main"), progress=False)
    sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"\nDemo build, scale {args.scale}: {rows:,} rows, peak RSS {peak:,.0f} MB "
        f"(largest child process {child:,.0f} MB, its pages shared with the loader until written)"
    )
    print(f"load average now: {os.getloadavg()}")
    print(phases.table())
    for name, size in sorted(sizes.items()):
        print(f"  {name}: {size / 1e6:,.0f} MB")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
