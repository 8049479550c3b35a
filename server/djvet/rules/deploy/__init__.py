"""DJV8xx: configuration and deployment (guide §8)."""
