"""DJV7xx: async and background tasks (guide §7)."""
