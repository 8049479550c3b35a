"""
## What it does
Flags production settings that lift Django's limits on request bodies:
`DATA_UPLOAD_MAX_MEMORY_SIZE`, `DATA_UPLOAD_MAX_NUMBER_FIELDS` or
`DATA_UPLOAD_MAX_NUMBER_FILES` set to `None`, or `DATA_UPLOAD_MAX_MEMORY_SIZE` above
100 MB.

## Why is this bad?
These limits are Django's guard against denial of service: without them one request
can make a worker read an arbitrarily large body into memory (a huge form or JSON
body), or parse millions of fields or files. Django's defaults (2.5 MB, 1,000 fields,
100 files) suit most sites; raise them to what the site needs, never to "unlimited".
Large file uploads are not counted by `DATA_UPLOAD_MAX_MEMORY_SIZE` (they stream to
disk); limit them in the web server (`client_max_body_size`) and in the form.

## Example
```python
DATA_UPLOAD_MAX_MEMORY_SIZE = None
```

## Use instead
```python
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024  # 10 MB
```

## References
- `DATA_UPLOAD_MAX_MEMORY_SIZE`: https://docs.djangoproject.com/en/stable/ref/settings/#data-upload-max-memory-size
- `DATA_UPLOAD_MAX_NUMBER_FIELDS`: https://docs.djangoproject.com/en/stable/ref/settings/#data-upload-max-number-fields
- `DATA_UPLOAD_MAX_NUMBER_FILES`: https://docs.djangoproject.com/en/stable/ref/settings/#data-upload-max-number-files
"""

from __future__ import annotations

from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic
from djvet.core.roles import FileRole
from djvet.core.rule import Family, Rule
from djvet.project.settings import EffectiveSettings
from djvet.rules.security._settings import (
    SettingProblem,
    describe,
    settings_diagnostics,
)

RULE = Rule(
    code="DJV506",
    name="upload-size-unlimited",
    family=Family.STATIC,
    message="`DATA_UPLOAD_MAX_MEMORY_SIZE` is `None`; one request can exhaust a worker's memory",
    applies_to=FileRole.SETTINGS,
)
HUGE = 100 * 1024 * 1024
LIMITS = {
    "DATA_UPLOAD_MAX_MEMORY_SIZE": "one request can exhaust a worker's memory",
    "DATA_UPLOAD_MAX_NUMBER_FIELDS": "one request can make Django parse millions of fields",
    "DATA_UPLOAD_MAX_NUMBER_FILES": "one request can make Django parse any number of files",
}


@RULE.on_module
def check_upload_limits(ctx: FileContext) -> Iterator[Diagnostic]:
    def problems(settings: EffectiveSettings) -> Iterator[SettingProblem]:
        for name, consequence in LIMITS.items():
            setting = settings.get(name)
            if setting is None or not setting.known:
                continue
            value = setting.value
            if value is None:
                yield SettingProblem(
                    f"`{name}` {describe(setting)}; {consequence}", setting
                )
            elif (
                name == "DATA_UPLOAD_MAX_MEMORY_SIZE"
                and isinstance(value, int)
                and value > HUGE
            ):
                size = f"{value / 1024 / 1024:,.0f} MB"
                yield SettingProblem(
                    f"`{name}` allows {size} request bodies in memory; {consequence}",
                    setting,
                )

    yield from settings_diagnostics(RULE, ctx, problems)
