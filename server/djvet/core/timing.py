"""Time per phase for `djvet check --statistics`, each phase without the ones inside it.

Parsing and project facts happen lazily, inside whichever rule first needs them: timed
as a rule's own, a rule that builds the lookup index for the whole project looked
slow. `phase("parse")` and `phase("project facts")` wrap that work; `Clock` measures a
rule (or the rules) less the phases that ran inside it.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

_local = threading.local()


class _State:
    def __init__(self) -> None:
        self.nested = 0.0  # seconds spent in phases so far (outermost phases' totals)
        self.phases: defaultdict[str, float] = defaultdict(float)


def state() -> _State:
    current = getattr(_local, "state", None)
    if current is None:
        current = _local.state = _State()
    return current


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the time inside as `name`, less the phases nested in it."""
    current = state()
    before = current.nested
    started = time.perf_counter()
    try:
        yield
    finally:
        total = time.perf_counter() - started
        current.phases[name] += total - (current.nested - before)
        current.nested = before + total


class Clock:
    """Wall time since it was made, less the phases that ran meanwhile; with
    `phases`, also the time of each phase meanwhile (`phases_spent`)."""

    def __init__(self, *, phases: bool = False) -> None:
        self._state = state()
        self._nested = self._state.nested
        self._phases = dict(self._state.phases) if phases else None
        self._started = time.perf_counter()

    def own(self) -> float:
        return (time.perf_counter() - self._started) - (
            self._state.nested - self._nested
        )

    def phases_spent(self) -> dict[str, float]:
        before = self._phases
        assert before is not None, "made without phases=True"
        return {
            name: seconds - before.get(name, 0.0)
            for name, seconds in self._state.phases.items()
            if seconds != before.get(name, 0.0)
        }
