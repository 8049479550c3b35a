from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "tests"))


def pytest_collection_modifyitems(items):
    """End-to-end tests (servers, editors) run last, as in pygls' own suite."""
    items.sort(key=lambda item: 1 if item.get_closest_marker("e2e") else 0)
