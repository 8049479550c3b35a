"""The server collects garbage off the typing path: after long jobs, when quiet."""

from __future__ import annotations

import asyncio
import gc

from djvet.lsp import memory
from djvet.lsp.memory import (
    Collector,
    collect_and_freeze,
    collect_recent,
    take_over_full_collections,
)


def test_long_jobs_collect_before_handing_back_their_result(monkeypatch):
    """The first long job (a project's first check builds its indexes) collects
    everything; later ones (fix verifications) what they left; short ones nothing. On
    the analysis thread, before the result goes back: the next keystroke's analysis
    never starts behind a collection."""
    done: list[str] = []
    monkeypatch.setattr(memory, "collect_and_freeze", lambda: done.append("all"))
    monkeypatch.setattr(memory, "collect_recent", lambda: done.append("recent"))
    collector = Collector(lambda job: None)
    collector.after_job(0.05)  # a keystroke's check
    assert done == []
    collector.after_job(2.0)  # the first check of a project
    collector.after_job(0.1)
    collector.after_job(1.2)  # a fix verification
    assert done == ["all", "recent"]


async def test_collects_when_quiet_and_while_typing_on(monkeypatch):
    monkeypatch.setattr(memory, "QUIET_SECONDS", 0.05)
    submitted: list[object] = []
    collector = Collector(submitted.append)
    collector.analysed(0.1)
    assert submitted == []
    await asyncio.sleep(0.2)  # the editor went quiet
    assert submitted == [collect_and_freeze]
    monkeypatch.setattr(memory, "ACTIVE_SECONDS", 0.0)  # typing on for long
    collector.analysed(0.1)
    assert submitted == [collect_and_freeze, collect_recent]


def test_the_server_process_leaves_full_collections_to_the_collector():
    before = gc.get_threshold()
    try:
        take_over_full_collections()
        assert gc.get_threshold()[:2] == before[:2]
        assert gc.get_threshold()[2] >= 2**31 - 1
    finally:
        gc.set_threshold(*before)


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
