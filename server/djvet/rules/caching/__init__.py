"""DJV4xx: caching (guide §4)."""
