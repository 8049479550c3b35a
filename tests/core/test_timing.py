"""`--statistics` times: each phase without the phases nested in it, rules without
the parsing and project facts they set off."""

from __future__ import annotations

import time

from djvet.core.timing import Clock, phase, state


def test_a_phase_excludes_the_phases_inside_it_and_a_clock_excludes_all():
    before = dict(state().phases)
    clock = Clock()
    with phase("project facts"):
        time.sleep(0.02)
        with phase("parse"):
            time.sleep(0.05)
    time.sleep(0.01)
    spent = clock.phases_since(before)
    assert 0.05 <= spent["parse"] < 0.07
    assert 0.02 <= spent["project facts"] < 0.045  # not the parse inside it
    assert 0.01 <= clock.own() < 0.03  # the rule's own work only
