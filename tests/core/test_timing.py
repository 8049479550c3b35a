"""`--statistics` times: each phase without the phases nested in it, rules without
the parsing and project facts they set off."""

from __future__ import annotations

from djvet.core import timing
from djvet.core.timing import Clock, phase


def test_a_phase_excludes_the_phases_inside_it_and_a_clock_excludes_all(monkeypatch):
    now = [100.0]  # a clock the test moves by hand: exact, whatever the machine's load
    monkeypatch.setattr(timing.time, "perf_counter", lambda: now[0])

    def work(seconds: float) -> None:
        now[0] += seconds

    clock = Clock(phases=True)
    with phase("project facts"):
        work(0.02)
        with phase("parse"):
            work(0.05)
    work(0.01)
    spent = clock.phases_spent()
    assert round(spent["parse"], 9) == 0.05
    assert round(spent["project facts"], 9) == 0.02  # not the parse inside it
    assert round(clock.own(), 9) == 0.01  # the rule's own work only
