"""DJV402 edge cases: what counts as invalidating a key somewhere in the project."""

from __future__ import annotations

import pytest

from rules.harness import check_flags, check_noop

CODE = "DJV402"
SERVICE = """\
from django.core.cache import cache

from library.models import Book

POPULAR = "popular"


def popular():
    books = cache.get(POPULAR)
    if books is None:
        books = list(Book.objects.all()[:5])
        cache.set(POPULAR, books, 600)
    return books
"""


def run(tmp_path, other: str | None, *, flagged: bool, service: str = SERVICE):
    files = {"library/other.py": other} if other else {}
    if flagged:
        check_flags(
            service,
            CODE,
            tmp_path,
            path="library/services.py",
            files=files,
            project="library",
        )
    else:
        check_noop(
            service,
            CODE,
            tmp_path,
            path="library/services.py",
            files=files,
            project="library",
        )


def test_never_deleted_is_flagged(tmp_path):
    run(tmp_path, None, flagged=True)


@pytest.mark.parametrize(
    "other",
    [
        # The constant imported and deleted elsewhere.
        "from django.core.cache import cache\nfrom library.services import POPULAR\n\n"
        "def drop():\n    cache.delete(POPULAR)\n",
        # The literal handed to a helper that deletes it.
        "from library.cache_utils import invalidate\n\ndef drop():\n    invalidate('popular')\n",
        # django-redis pattern deletes.
        "from django.core.cache import cache\n\ndef drop():\n    cache.delete_pattern('pop*')\n",
        # A template delete that may build the key.
        "from django.core.cache import cache\n\ndef drop(name):\n    cache.delete(f'pop{name}')\n",
        # A cache cleared in production code.
        "from django.core.cache import caches\n\ndef drop():\n    caches['default'].clear()\n",
        # Re-written by a task.
        "from celery import shared_task\nfrom django.core.cache import cache\nfrom library.models import Book\n\n"
        "@shared_task\ndef warm():\n    cache.set('popular', list(Book.objects.all()[:5]), 600)\n",
        # Re-written by a receiver connected by hand.
        "from django.core.cache import cache\nfrom django.db.models.signals import post_save\n"
        "from library.models import Book\n\ndef warm(**kwargs):\n    cache.set('popular', [], 600)\n\n"
        "post_save.connect(warm, sender=Book)\n",
    ],
)
def test_invalidation_elsewhere_silences(tmp_path, other):
    run(tmp_path, other, flagged=False)


@pytest.mark.parametrize(
    "other",
    [
        # Clearing under DEBUG (NetBox's startup) does nothing in production.
        "from django.conf import settings\nfrom django.core.cache import cache\n\n"
        "def ready():\n    if settings.DEBUG:\n        cache.clear()\n",
        # The same text as a context key is not the cache key.
        "def context(request):\n    return {'popular': 1, 'x': request.GET['popular']}\n",
        # Tests that delete the key do not invalidate anything in production.
        None,
    ],
)
def test_what_does_not_count(tmp_path, other):
    run(tmp_path, other, flagged=True)


def test_deletes_in_tests_do_not_count(tmp_path):
    files = {
        "library/tests.py": "from django.core.cache import cache\n\ndef tearDown():\n    cache.delete('popular')\n"
    }
    check_flags(
        SERVICE,
        CODE,
        tmp_path,
        path="library/services.py",
        files=files,
        project="library",
    )


def test_values_that_are_not_rows_are_fine(tmp_path):
    check_noop(
        """\
        import requests
        from django.core.cache import cache


        def rates():
            value = cache.get("rates")
            if value is None:
                value = requests.get("https://example.com/rates").json()
                cache.set("rates", value, 3600)
            return value
        """,
        CODE,
        tmp_path,
        path="library/services.py",
        project="library",
    )


def test_aliased_cache_objects_are_followed(tmp_path):
    found = check_flags(
        """\
        from django.core.cache import caches

        from library.models import Tag

        store = caches["default"]


        def tags():
            return store.get_or_set("tags", lambda: list(Tag.objects.all()), None)
        """,
        CODE,
        tmp_path,
        path="library/services.py",
        project="library",
    )
    assert "never expires" in found[0].message


def test_other_cache_objects_are_ignored(tmp_path):
    check_noop(
        """\
        from library.models import Tag

        cache = {}


        def tags():
            cache.setdefault("tags", list(Tag.objects.all()))
            return cache.get("tags")
        """,
        CODE,
        tmp_path,
        path="library/services.py",
        project="library",
    )
