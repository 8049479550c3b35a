"""DJV5xx: static and media files (guide §5)."""
