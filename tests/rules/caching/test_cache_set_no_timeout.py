"""DJV404 edge cases: the default timeout, keys built per object."""

from __future__ import annotations

from rules.harness import check_flags, check_noop

CODE = "DJV404"
SETTINGS = """\
INSTALLED_APPS = ["library"]
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "TIMEOUT": None,
    }
}
"""
WRITE = """\
from django.core.cache import cache

from library.models import Tag


def tags():
    rows = list(Tag.objects.all())
    cache.set("tags", rows)
    return rows
"""


def test_default_timeout_none_in_production_flags_writes_without_timeout(tmp_path):
    found = check_flags(
        WRITE,
        CODE,
        tmp_path,
        path="library/services.py",
        project="library",
        files={"mysite/settings.py": SETTINGS},
    )
    assert "`TIMEOUT`" in found[0].message


def test_default_timeout_none_in_development_only_is_fine(tmp_path):
    check_noop(
        WRITE,
        CODE,
        tmp_path,
        path="library/services.py",
        project="library",
        files={"mysite/settings_dev.py": SETTINGS},
    )


def test_template_keys_deleted_by_the_same_template(tmp_path):
    source = """\
        from django.core.cache import cache

        from library.models import Book


        def book(pk):
            return cache.get_or_set(f"book:{pk}", lambda: Book.objects.get(pk=pk), None)
        """
    check_flags(
        source, CODE, tmp_path / "a", path="library/services.py", project="library"
    )
    deleter = {
        "library/signals.py": "from django.core.cache import cache\n\n"
        "def drop(sender, instance, **kwargs):\n"
        "    cache.delete('book:%s' % instance.pk)\n"
    }
    check_noop(
        source,
        CODE,
        tmp_path / "b",
        path="library/services.py",
        project="library",
        files=deleter,
    )
    unreadable = {
        "library/signals.py": "from django.core.cache import cache\n\n"
        "def drop(sender, instance, **kwargs):\n"
        "    cache.delete(instance.cache_key())\n"
    }
    check_noop(
        source,
        CODE,
        tmp_path / "c",
        path="library/services.py",
        project="library",
        files=unreadable,
    )
