"""Settings are split by environment; pick one with DJANGO_SETTINGS_MODULE.

- config.settings.development  (default for manage.py)
- config.settings.production   (default for wsgi.py / asgi.py)
- config.settings.test
"""
