"""
## What it does
Flags `manage.py runserver` as the command of a deployment file: a `Procfile`
process, a Dockerfile's `CMD`/`ENTRYPOINT`, a compose service's `command`, a systemd
unit's `ExecStart`. Files and stages meant for development are left alone: names with
`dev`, `local`, `test`, `override`, `example` (`docker-compose.dev.yml`,
`Dockerfile.dev`, `FROM ... AS development`), a `docker-compose.yml` next to a
production compose file, and compose services that mount the source tree (`.:/app`)
or turn `DEBUG` on.

## Why is this bad?
`runserver` is Django's development server: it has not been through security audits
or performance tests, serves one process with threads, reloads code, and its own
documentation says not to use it in production. A WSGI server such as gunicorn (or an
ASGI server such as uvicorn) runs several workers, restarts them, and is built for it.

## Example
```text
web: python manage.py runserver 0.0.0.0:$PORT
```

## Use instead
```text
web: gunicorn config.wsgi --bind 0.0.0.0:$PORT
```

## Fix safety
Unsafe: the fix needs gunicorn installed (the title says when the requirements do not
list it), no longer serves static files (`runserver --insecure` did; use WhiteNoise or
the web server) and stops reloading code. The WSGI module comes from `WSGI_APPLICATION`
or the project's single `wsgi.py`. Projects serving websockets through `runserver`
(Channels, Daphne) get no fix: they need an ASGI server.

## References
- Django docs: https://docs.djangoproject.com/en/stable/ref/django-admin/#runserver
- Django docs: https://docs.djangoproject.com/en/stable/howto/deployment/wsgi/gunicorn/
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import Diagnostic, Edit, Fix, Language, Severity, Span
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.rules.deploy._deployfiles import command_lines, development_file, wsgi_module
from djvet.rules.deploy._runserver import find, gunicorn

RULE = Rule(
    code="DJV803",
    name="runserver-in-production",
    family=Family.DEPLOY,
    severity=Severity.ERROR,
    fix=FixAvailability.SOMETIMES,
    message="`manage.py runserver` is the development server; serve production with gunicorn",
    fix_title="Serve with gunicorn",
    applies_to=FileRole.DEPLOY,
    languages=frozenset({Language.TEXT}),
)


@RULE.on_module
def check_deploy_file(ctx: FileContext) -> Iterator[Diagnostic]:
    if development_file(ctx):
        return
    wsgi: str | None | bool = False  # looked up once, on the first finding
    for number in command_lines(ctx):
        found = find(ctx.document.lines[number])
        if found is None:
            continue
        if wsgi is False:
            wsgi = wsgi_module(ctx.project)
        fix = None
        if isinstance(wsgi, str):
            command = gunicorn(found, wsgi)
            if command is not None:
                fix = Fix.unsafe(
                    _title(ctx),
                    Edit(Span(number, found.start, number, found.end), command),
                )
        yield RULE.diagnostic(
            ctx, Span(number, found.start, number, found.end), fix=fix
        )


def _title(ctx: FileContext) -> str:
    for path in ctx.project.files():
        name = os.path.basename(path).lower()
        if (
            name == "pyproject.toml"
            or ctx.project.roles(path, "") & FileRole.REQUIREMENTS
        ) and re.search(
            r"^\s*[\"']?gunicorn\b", ctx.project.read(path) or "", re.M | re.I
        ):
            return RULE.fix_title or ""
    return "Serve with gunicorn (add `gunicorn` to the requirements)"
