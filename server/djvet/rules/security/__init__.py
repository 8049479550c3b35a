"""DJV2xx: security (guide §2)."""
