"""DJV401 edge cases: which production caches are flagged, and the Redis fix."""

from __future__ import annotations

from rules.harness import check_fixed, check_flags, check_noop

CODE = "DJV401"
APP = {
    "library/services.py": "from django.core.cache import cache\n\n\ndef f():\n    return cache.get('x')\n"
}


def test_missing_caches_in_a_project_that_caches(tmp_path):
    found = check_flags(
        """\
        INSTALLED_APPS = ["django.contrib.auth"]
        DEBUG = False
        """,
        CODE,
        tmp_path,
        files=APP,
    )
    assert [d.span.start_line for d in found] == [1]
    assert "LocMemCache" in found[0].message


def test_missing_caches_in_a_project_that_never_caches_is_fine(tmp_path):
    check_noop('INSTALLED_APPS = ["django.contrib.auth"]\n', CODE, tmp_path)


def test_missing_caches_with_cached_sessions_is_flagged(tmp_path):
    check_flags(
        """\
        INSTALLED_APPS = ["django.contrib.sessions"]
        SESSION_ENGINE = "django.contrib.sessions.backends.cache"
        """,
        CODE,
        tmp_path,
    )


def test_missing_caches_fix_appends_a_redis_block(tmp_path):
    check_fixed(
        """\
        INSTALLED_APPS = ["django.contrib.auth"]
        """,
        """\
        import os
        INSTALLED_APPS = ["django.contrib.auth"]
        CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
            },
        }
        """,
        CODE,
        tmp_path,
        path="mysite/settings.py",
        files=APP,
    )


def test_file_based_and_dummy_caches_are_flagged(tmp_path):
    for backend, words in (
        ("filebased.FileBasedCache", "not shared between servers"),
        ("dummy.DummyCache", "caches nothing"),
    ):
        found = check_flags(
            f"""\
            import os
            INSTALLED_APPS = []
            CACHES = {{
                "default": {{
                    "BACKEND": "django.core.cache.backends.{backend}",
                    "LOCATION": os.path.join(BASE_DIR, "cache"),
                }}
            }}
            """,
            CODE,
            tmp_path / backend,
        )
        assert words in found[0].message and found[0].span.start_line == 4


def test_single_line_entry_keeps_its_layout_and_quotes(tmp_path):
    check_fixed(
        """\
        import environ
        env = environ.Env()
        INSTALLED_APPS = []
        CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache', 'KEY_PREFIX': 'shop'}}
        """,
        """\
        import environ
        env = environ.Env()
        INSTALLED_APPS = []
        CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache', 'LOCATION': env.str('REDIS_URL', default='redis://127.0.0.1:6379/1'), 'KEY_PREFIX': 'shop'}}
        """,
        CODE,
        tmp_path,
        path="mysite/settings.py",
    )


def test_django_before_4_uses_django_redis(tmp_path):
    check_fixed(
        """\
        import os
        INSTALLED_APPS = []
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        """,
        """\
        import os
        INSTALLED_APPS = []
        CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1")}}
        """,
        CODE,
        tmp_path,
        path="mysite/settings.py",
        files={"requirements.txt": "Django==3.2.25\n"},
    )


def test_caches_from_the_environment_and_shared_backends_are_fine(tmp_path):
    check_noop(
        """\
        import environ
        env = environ.Env()
        INSTALLED_APPS = []
        CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
        """,
        CODE,
        tmp_path / "env",
    )
    check_noop(
        """\
        INSTALLED_APPS = []
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache"}}
        """,
        CODE,
        tmp_path / "memcached",
    )


def test_development_and_test_settings_are_not_checked(tmp_path):
    check_noop(
        """\
        INSTALLED_APPS = []
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        """,
        CODE,
        tmp_path,
        path="mysite/settings_dev.py",
    )
