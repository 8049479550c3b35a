"""
## What it does
Flags production settings whose static files storage does not add content hashes to
file names: Django's default `StaticFilesStorage`, WhiteNoise's
`CompressedStaticFilesStorage` or django-storages' `S3StaticStorage`, whether set in
`STORAGES["staticfiles"]`, in `STATICFILES_STORAGE` (before Django 5.1) or left to the
default. On Django 5.1+, a `STATICFILES_STORAGE` naming a manifest storage is ignored,
so it is flagged too. Projects with django-compressor installed are left alone: it names
its CSS and JavaScript bundles by their content and adds hashes to `url()`s in CSS.

## Why is this bad?
Without hashed names (`css/site.a1b2c3d4.css`) a deployment cannot tell browsers and
CDNs that a file changed: either static files are cached briefly and downloaded again
and again, or they are cached for long and visitors run new HTML against old CSS and
JavaScript after every release. A manifest storage renames each file by its content,
so the files can be cached forever.

## Example
```python
INSTALLED_APPS = ["django.contrib.staticfiles"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
```

## Use instead
```python
INSTALLED_APPS = ["django.contrib.staticfiles"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
```

## Fix safety
Unsafe: with a manifest storage and `DEBUG = False`, `{% static %}` raises an error for
any file missing from the manifest, so `collectstatic` must run on every deployment
(and before tests that run without `DEBUG`), and CSS referencing missing files fails
`collectstatic`. With WhiteNoise installed the fix uses its
`CompressedManifestStaticFilesStorage`. A settings module that still sets
`STATICFILES_STORAGE` or `DEFAULT_FILE_STORAGE` on Django 4.2–5.0 gets no fix (see
DJV503).

## References
- `ManifestStaticFilesStorage`: https://docs.djangoproject.com/en/stable/ref/contrib/staticfiles/#manifeststaticfilesstorage
- WhiteNoise: https://whitenoise.readthedocs.io/en/stable/django.html#add-compression-and-caching-support
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Span
from djvet.core.parso_utils import string_value
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.caching._settings_helpers import (
    installed,
    mutated,
    nested_node,
    version,
)
from djvet.rules.security._settings import (
    SettingProblem,
    middleware,
    settings_diagnostics,
)
from djvet.rules.static._storage import (
    DEFAULT_BACKENDS,
    STATICFILES_ALIAS,
    Backend,
    backend,
)

RULE = Rule(
    code="DJV504",
    name="static-without-manifest",
    family=Family.STATIC,
    message="Static files are stored without hashed names; browsers may keep stale CSS and JS",
    fix=FixAvailability.SOMETIMES,
    fix_title="Store static files with content-hashed names",
    applies_to=FileRole.SETTINGS,
)
HASHED = {
    "django.contrib.staticfiles.storage.StaticFilesStorage": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    "whitenoise.storage.CompressedStaticFilesStorage": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    "storages.backends.s3boto3.S3StaticStorage": "storages.backends.s3boto3.S3ManifestStaticStorage",
    "storages.backends.s3.S3StaticStorage": "storages.backends.s3.S3ManifestStaticStorage",
}
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"


@RULE.on_module
def check_static_storage(ctx: FileContext) -> Iterator[Diagnostic]:
    running = version(ctx.project)

    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        if installed(settings, "django.contrib.staticfiles") is not True:
            return
        if installed(settings, "compressor") is not False:
            return  # django-compressor names its bundles by content and hashes CSS url()s
        found = backend(settings, STATICFILES_ALIAS, running)
        if found.value not in HASHED or mutated(ctx.project, settings, "STORAGES"):
            return
        ignored = settings.get("STATICFILES_STORAGE")
        if running >= (5, 1) and ignored is not None:
            yield SettingProblem(
                "`STATICFILES_STORAGE` is ignored since Django 5.1, so static files "
                "get no hashed names",
                ignored,
                span=Span.of(ignored.name_node),
            )
            return
        yield _problem(ctx, settings, found, running)

    yield from settings_diagnostics(RULE, ctx, problems)


def _problem(
    ctx: FileContext,
    settings: EffectiveSettings,
    found: Backend,
    running: tuple[int, ...],
) -> SettingProblem:
    target = HASHED[found.value]
    if found.value == DEFAULT_BACKENDS[STATICFILES_ALIAS] and middleware(
        settings, WHITENOISE
    ):
        target = "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if found.setting is None:
        return SettingProblem(RULE.message, insert=_insert(settings, target, running))
    node = (
        found.setting.value_node
        if found.old
        else nested_node(found.setting.value_node, STATICFILES_ALIAS, "BACKEND")
    )
    if node is None or not hasattr(node, "type") or string_value(node) is None:
        # built in a way the fix cannot edit
        return SettingProblem(RULE.message, found.setting)
    quote = node.value.lstrip("rRuU")[0]
    short = found.value.rsplit(".", 1)[-1]
    return SettingProblem(
        f"`{short}` stores static files without hashed names; browsers may keep "
        "stale files",
        found.setting,
        span=Span.of(node),
        edits=(Edit(Span.of(node), f"{quote}{target}{quote}"),),
    )


def _insert(
    settings: EffectiveSettings, target: str, running: tuple[int, ...]
) -> str | None:
    if running < (4, 2):
        return f'STATICFILES_STORAGE = "{target}"\n'
    if settings.get("DEFAULT_FILE_STORAGE") is not None and running < (5, 1):
        return None  # STORAGES next to DEFAULT_FILE_STORAGE is an error before 5.1 (DJV503)
    default = DEFAULT_BACKENDS["default"]
    return (
        "STORAGES = {\n"
        f'    "default": {{"BACKEND": "{default}"}},\n'
        f'    "staticfiles": {{"BACKEND": "{target}"}},\n'
        "}\n"
    )
