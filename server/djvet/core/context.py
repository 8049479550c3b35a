"""What a rule handler sees of the file it checks."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from djvet.core.config import Config
from djvet.core.document import Document
from djvet.core.roles import FileRole

if TYPE_CHECKING:
    from djvet.project.index import ProjectIndex


@dataclass
class FileContext:
    document: Document
    roles: FileRole
    config: Config
    project: ProjectIndex
    # Analyses shared by several rules of one check (e.g. the N+1 loop analysis).
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def tree(self) -> Any:
        return self.document.tree

    @functools.cached_property
    def relative_path(self) -> str:
        return self.config.relative(self.path)

    def has_role(self, role: FileRole) -> bool:
        return bool(self.roles & role)

    def module_assignments(self) -> Iterator[tuple[Any, Any]]:
        """Top-level `NAME = value` pairs (name leaf, value node), in source order."""
        from djvet.core.parso_utils import top_level_assignments

        yield from top_level_assignments(self.tree)
