"""Rule families; every module with a module-level `RULE` is a rule (discovered)."""
