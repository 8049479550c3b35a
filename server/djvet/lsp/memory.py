"""Garbage collection off the typing path.

Python's full (generation 2) collection walks every tracked object: once a large project
is indexed (model graph, parse trees, facts), one takes 300-800 ms, and the interpreter
starts one in the middle of whatever allocates next, a keystroke's analysis as often
as not (the p95 of edits to a 1,000-line models module, whose fix verifications
allocate a lot). So the server process turns the interpreter's full collections off
(`take_over_full_collections`; young objects are collected as usual) and runs them
itself, at moments of its choosing:

- at the end of a long job, on the analysis thread, before the job's result is handed
  back (`Collector.after_job`): everything after the first one (the first check of a
  project builds its indexes), then what later ones left (`collect_recent`, which skips
  frozen objects: it costs what the job allocated, not the size of the index). A fix
  verification publishes its fixes a few milliseconds later; the next keystroke does
  not pay for it.
- when the editor has been quiet for a few seconds, and every `ACTIVE_SECONDS` while
  someone types on: everything, unfrozen first so that facts dropped since (an old
  model graph) are reclaimed, or what is recent.

Survivors are frozen (`gc.freeze`) so that later collections skip them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)
QUIET_SECONDS = 3.0
LONG_JOB_SECONDS = 0.5
ACTIVE_SECONDS = 20.0
_NEVER = 2**31 - 1  # generation-1 collections between two automatic full ones


def take_over_full_collections() -> None:
    """Leave full collections to the `Collector` (the server process only)."""
    first, second, _ = gc.get_threshold()
    gc.set_threshold(first, second, _NEVER)


def collect_and_freeze() -> None:
    started = time.perf_counter()
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    log.debug(
        "collected garbage in %.0f ms; %d objects frozen",
        (time.perf_counter() - started) * 1000,
        gc.get_freeze_count(),
    )


def collect_recent() -> None:
    """Collect what is not frozen (what jobs made since the last freeze), then freeze
    what survives."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    log.debug(
        "collected recent garbage in %.0f ms", (time.perf_counter() - started) * 1000
    )


class Collector:
    """Decides when the server collects: `after_job` on the analysis thread, the rest
    scheduled there through `submit`."""

    def __init__(self, submit: Callable[..., Any]) -> None:
        self._submit = submit
        self._idle: asyncio.Task[None] | None = None
        self._indexed = False
        self._last = time.monotonic()

    def after_job(self, seconds: float) -> None:
        """A job just ran for `seconds` on the analysis thread (called there)."""
        if seconds < LONG_JOB_SECONDS:
            return
        self._last = time.monotonic()
        if not self._indexed:
            self._indexed = True
            collect_and_freeze()
        else:
            collect_recent()

    def analysed(self, seconds: float) -> None:
        """A job finished (called on the event loop): collect once things are quiet,
        or now if nobody has collected for `ACTIVE_SECONDS`."""
        if time.monotonic() - self._last >= ACTIVE_SECONDS:
            self._collect(collect_recent)
        if self._idle is not None:
            self._idle.cancel()
        # no running loop (tests calling directly)
        with contextlib.suppress(RuntimeError):
            self._idle = asyncio.get_running_loop().create_task(self._when_quiet())

    async def _when_quiet(self) -> None:
        await asyncio.sleep(QUIET_SECONDS)
        self._collect(collect_and_freeze)

    def _collect(self, collection: Callable[[], None]) -> None:
        self._last = time.monotonic()
        self._submit(collection)
