"""Project configuration: settings, URLs and the WSGI/ASGI/Celery entry points."""

# Load the Celery app when Django starts so that @shared_task uses it. Celery is only
# installed where the worker runs; web dynos without it run tasks inline (orders/tasks.py).
try:
    from .celery import app as celery_app
except ImportError:
    celery_app = None

__all__ = ("celery_app",)
