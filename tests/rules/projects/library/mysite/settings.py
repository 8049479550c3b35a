from __future__ import annotations

SECRET_KEY = "test"
DEBUG = False
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "library",
]
AUTH_USER_MODEL = "library.User"
