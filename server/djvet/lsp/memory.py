"""Garbage collection off the typing path.

Python's full (generation 2) collection walks every tracked object: once a large project
is indexed (model graph, parse trees, facts), one takes 200-600 ms, and it fires in the
middle of whatever analysis allocates next — a keystroke's. So the server collects at
moments of its choosing and freezes what survives (`gc.freeze`: later collections skip
it): right after the first long analysis (the first check of a project, which builds
its indexes) and once the editor has been quiet for a few seconds — never between two
keystrokes (a fix verification also runs long, and the next edit would wait for it). The idle collection
unfreezes first, so facts dropped since (an old model graph) are still reclaimed.
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
LONG_ANALYSIS_SECONDS = 1.0


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


class Collector:
    """Schedules `collect_and_freeze` on the analysis thread through `submit`."""

    def __init__(self, submit: Callable[..., Any]) -> None:
        self._submit = submit
        self._idle: asyncio.Task[None] | None = None
        self._indexed = False

    def analysed(self, seconds: float) -> None:
        """An analysis job finished after `seconds`: collect now if it was the first long
        one (what it made is the index every later job keeps), else once things are quiet."""
        if seconds >= LONG_ANALYSIS_SECONDS and not self._indexed:
            self._indexed = True
            self._submit(collect_and_freeze)
        if self._idle is not None:
            self._idle.cancel()
        # no running loop (tests calling directly)
        with contextlib.suppress(RuntimeError):
            self._idle = asyncio.get_running_loop().create_task(self._when_quiet())

    async def _when_quiet(self) -> None:
        await asyncio.sleep(QUIET_SECONDS)
        self._submit(collect_and_freeze)
