"""djvet: holds Django projects to a best-practices guide, in the editor and in CI."""

from __future__ import annotations

__version__ = "0.1.0"
