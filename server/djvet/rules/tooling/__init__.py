"""DJV9xx: tooling and migrations (guide §9)."""
