"""Workspace knowledge built statically from source: settings, models, querysets."""
