"""Small Django projects the runtime proofs copy, break and fix (see `run.py`)."""
