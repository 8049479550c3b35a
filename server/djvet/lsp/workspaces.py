"""One `ProjectIndex` per workspace folder, each with its own configuration.

A document belongs to the innermost workspace folder holding it. A document outside
every folder (or a client that sends none) gets an index rooted where
`find_project_root` says its project starts. Configuration is
editor settings > `[tool.djvet]` of the root's pyproject.toml > defaults.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

from djvet.core.config import Config, find_project_root, load_config
from djvet.lsp.options import EditorSettings
from djvet.project.index import ProjectIndex

log = logging.getLogger(__name__)


def build_config(root: Path, settings: EditorSettings) -> Config:
    config = load_config(root).with_overrides(settings.overrides(), "editor settings")
    if settings.has_selection():
        config = config.with_selection(
            settings.select, settings.extend_select or (), settings.ignore or ()
        )
    return config


class Workspaces:
    def __init__(self) -> None:
        self.indexes: dict[str, ProjectIndex] = {}  # root path -> index
        self.settings: dict[str, EditorSettings] = {}  # root path -> editor settings
        self.default_settings = EditorSettings()
        self.folders: set[str] = set()  # roots that are workspace folders

    def add_folder(self, root: str) -> ProjectIndex:
        root = os.path.abspath(root)
        self.folders.add(root)
        return self._index(root)

    def remove_folder(self, root: str) -> None:
        root = os.path.abspath(root)
        self.folders.discard(root)
        self.indexes.pop(root, None)
        self.settings.pop(root, None)

    def _index(self, root: str) -> ProjectIndex:
        if root not in self.indexes:
            settings = self.settings.get(root, self.default_settings)
            self.indexes[root] = ProjectIndex(root, build_config(Path(root), settings))
            log.info("djvet project at %s", root)
        return self.indexes[root]

    def for_path(self, path: str) -> ProjectIndex:
        """The index of the innermost folder holding `path` (created on first use)."""
        holders = [root for root in self.folders if _inside(path, root)]
        if holders:
            return self._index(max(holders, key=len))
        known = [root for root in self.indexes if _inside(path, root)]
        if known:
            return self.indexes[max(known, key=len)]
        return self._index(str(find_project_root(Path(path))))

    def root_of(self, path: str) -> str | None:
        roots = [root for root in self.indexes if _inside(path, root)]
        return max(roots, key=len) if roots else None

    def items(self) -> Iterator[tuple[str, ProjectIndex]]:
        yield from list(self.indexes.items())


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
