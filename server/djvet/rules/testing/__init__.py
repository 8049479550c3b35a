"""DJV6xx: testing (guide §6)."""
