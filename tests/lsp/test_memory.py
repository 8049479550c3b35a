"""The server collects garbage off the typing path: once after indexing, then when quiet."""

from __future__ import annotations

import asyncio
import gc

from djvet.lsp import memory
from djvet.lsp.memory import Collector, collect_and_freeze


async def test_collects_after_the_first_long_analysis_then_only_when_quiet(monkeypatch):
    monkeypatch.setattr(memory, "QUIET_SECONDS", 0.05)
    submitted: list[object] = []
    collector = Collector(submitted.append)
    collector.analysed(2.0)  # the first check of a project: its indexes were just built
    assert submitted == [collect_and_freeze]
    collector.analysed(2.0)  # a long fix verification: the next keystroke must not wait
    collector.analysed(0.1)
    assert submitted == [collect_and_freeze]
    await asyncio.sleep(0.2)  # the editor went quiet
    assert submitted == [collect_and_freeze, collect_and_freeze]


async def test_typing_keeps_postponing_the_idle_collection(monkeypatch):
    monkeypatch.setattr(memory, "QUIET_SECONDS", 0.2)
    submitted: list[object] = []
    collector = Collector(submitted.append)
    for _ in range(5):
        collector.analysed(0.01)
        await asyncio.sleep(0.05)
    assert submitted == []
    await asyncio.sleep(0.3)
    assert submitted == [collect_and_freeze]


def test_collect_and_freeze_reclaims_what_was_frozen_and_died():
    class Node:
        pass

    first, second = Node(), Node()
    first.other, second.other = second, first  # a cycle only the collector frees
    collect_and_freeze()
    assert gc.get_freeze_count() > 0
    del first, second
    collect_and_freeze()  # unfreezes first, so the dead cycle is collected
    gc.unfreeze()  # (frozen objects are not listed by get_objects)
    assert not any(type(o).__name__ == "Node" for o in gc.get_objects())
