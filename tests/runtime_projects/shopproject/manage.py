#!/usr/bin/env python
"""Runtime proofs of djvet's fixes: a tiny shop with async views and data migrations."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopproject.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
