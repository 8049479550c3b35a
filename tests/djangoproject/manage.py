#!/usr/bin/env python
"""The ground-truth project's command line (djvet reads `DJANGO_SETTINGS_MODULE` here)."""

from __future__ import annotations

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
