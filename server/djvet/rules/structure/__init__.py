"""DJV3xx: project structure (guide §3)."""
