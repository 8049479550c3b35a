from __future__ import annotations

from .books import *  # noqa: F403
from .people import Author, Publisher

__all__ = ["Author", "Publisher"]
