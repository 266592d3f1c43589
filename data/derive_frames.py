"""The derived tables a bulk load can compute from its event frames, on the second core.

While the loader writes millions of event rows (one SQLite writer, one core), a forked process
groups the same frames into the daily aggregates (:mod:`data.aggregates_frames`) and derives
the certificate series (:func:`data.certificate_aggregates.series_rows` over
:class:`data.certificate_sources.FrameRows`); the loader then writes what it sends back. The
frames reach the child by ``fork`` (copy-on-write, nothing pickled); only the results, a few
per cent of the rows, come back through a pipe. Where ``fork`` is unavailable, or for small
loads, the same functions run in the loader's process when the results are asked for.

``tests/test_build_paths.py`` checks that the stored results equal the general refresh.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from data import aggregates_frames, certificate_aggregates
from data.codes import CURRENT_STRUCTURE
from geo import reference

PARALLEL_MIN_ROWS = 100_000  # below this a second process is not worth starting

_frames: Mapping[str, pd.DataFrame] | None = None  # the frames a forked child reads


@dataclass
class Derived:
    """Daily aggregate rows by table name (absent: aggregate the store) and the certificate
    series rows (None: derive them in the refresh)."""

    daily: dict[str, pd.DataFrame] = field(default_factory=dict)
    certificates: list[dict[str, Any]] | None = None


def current_kommuner() -> list[tuple[str, str]]:
    """(fylkesnummer, kommunenummer) of the current structure, as the loader stores them."""
    frame = reference.kommuner(CURRENT_STRUCTURE).sort_values("kommunenummer")
    fylker, codes = frame["fylkesnummer"].astype(str), frame["kommunenummer"].astype(str)
    return list(zip(fylker, codes, strict=True))


def derive(frames: Mapping[str, pd.DataFrame], end: dt.date | None) -> Derived:
    """Everything :mod:`data.aggregates` and the certificate series can take from ``frames``."""
    out = Derived()
    for name in aggregates_frames.BUILDERS:
        rows = aggregates_frames.daily(name, frames)
        if rows is not None:
            out.daily[name] = rows
    reader = certificate_aggregates.frame_rows(frames)
    if reader is not None and end is not None:
        out.certificates = certificate_aggregates.series_rows(
            reader, kommuner=current_kommuner(), end=end
        )
    return out


def _child(send: Any, end: dt.date | None) -> None:
    assert _frames is not None
    try:
        send.send(("ok", derive(_frames, end)))
    except BaseException as err:  # reported to the parent, which derives again itself
        send.send(("error", repr(err)))
    finally:
        send.close()


class Derivation:
    """The derivation of ``frames``, started now in a forked process when that pays off."""

    def __init__(self, frames: Mapping[str, pd.DataFrame], end: dt.date | None) -> None:
        global _frames
        self.frames, self.end = frames, end
        self.process: Any = None
        rows = sum(len(f) for f in frames.values())
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        if rows < PARALLEL_MIN_ROWS or cpus < 2:
            return
        if "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        _frames = frames
        try:
            self.process = context.Process(target=_child, args=(send, end), daemon=True)
            self.process.start()
        finally:
            _frames = None
        send.close()
        self.receive = receive

    def result(self) -> Derived:
        if self.process is not None:
            try:
                status, value = self.receive.recv()
            except EOFError:
                status, value = "error", "the derivation process ended without a result"
            self.process.join()
            self.receive.close()
            if status == "ok":
                return value
            warnings.warn(
                f"derivation in a second process failed ({value}); deriving here", stacklevel=2
            )
        return derive(self.frames, self.end)


__all__ = ["Derivation", "Derived", "current_kommuner", "derive"]
