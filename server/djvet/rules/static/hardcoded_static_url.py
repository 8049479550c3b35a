"""
## What it does
Flags a static file URL written out in a template's `src` or `href` attribute:
`/static/...` (or the project's literal `STATIC_URL`), and the old
`{{ STATIC_URL }}css/site.css` spelling.

## Why is this bad?
The URL is right only as long as `STATIC_URL` stays `/static/` and files keep their
names. It breaks when static files move to a CDN or another prefix, and it bypasses
`ManifestStaticFilesStorage`'s hashed names, so browsers keep stale cached copies
after a deploy. `{% static %}` asks the storage for the URL.

## Example
```html
<link rel="stylesheet" href="/static/css/site.css">
```

## Use instead
```html
{% load static %}
<link rel="stylesheet" href="{% static 'css/site.css' %}">
```

## Fix safety
The fix rewrites the URL to `{% static 'path' %}` and adds `{% load static %}` (after
`{% extends %}` when there is one). It is safe when the file exists in a `static/`
folder of the project; otherwise it is unsafe, because with a manifest storage
`{% static %}` raises for a file collectstatic never saw.

## References
- Django docs: How to manage static files, "Configuring static files"
- Django docs: Built-in template tags, `static`
- Guide §5.1
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from djvet.core.context import FileContext
from djvet.core.model import (
    Applicability,
    Diagnostic,
    Edit,
    Fix,
    Language,
    Severity,
    Span,
)
from djvet.core.roles import FileRole
from djvet.core.rule import Family, FixAvailability, Rule
from djvet.project.index import ProjectIndex, register_fact
from djvet.project.settings import effective_settings, settings_index
from djvet.project.templates import (
    Template,
    is_django_template,
    masked_text,
    template_of,
)

RULE = Rule(
    code="DJV507",
    name="hardcoded-static-url",
    family=Family.STATIC,
    severity=Severity.INFORMATION,
    fix=FixAvailability.ALWAYS,
    message="Hard-coded static URL: use `{% static %}` so `STATIC_URL` and hashed names apply",
    fix_title="Use `{% static %}`",
    applies_to=FileRole.TEMPLATES,
    languages=frozenset({Language.TEMPLATE}),
)

_ATTRIBUTE = re.compile(r"""\b(?:src|href)\s*=\s*(["'])(?P<url>[^"'<>]*)\1""", re.I)
_STATIC_VAR = re.compile(r"""\{\{\s*STATIC_URL\s*\}\}""")
_SKIPPED = {
    "node_modules",
    "site-packages",
    "__pycache__",
    ".git",
    ".tox",
    ".venv",
    "venv",
}


@RULE.on_module
def check(ctx: FileContext) -> Iterator[Diagnostic]:
    if not is_django_template(ctx.path):
        return
    template = template_of(ctx.path, ctx.text)
    masked = masked_text(template)
    prefixes = static_prefixes(ctx.project)
    for match in _ATTRIBUTE.finditer(template.text):
        start, end = match.span("url")
        url = match.group("url")
        variable = _STATIC_VAR.match(url)
        if variable:
            path = url[variable.end() :]
            if masked[end - len(path) : end] != path:  # in an HTML comment or a script
                continue
        else:
            prefix = next((p for p in prefixes if url.startswith(p)), None)
            # template syntax inside: not a literal
            if prefix is None or masked[start:end] != url:
                continue
            path = url[len(prefix) :]
        if "{" in path or not path or path.endswith("/"):
            continue
        yield RULE.diagnostic(
            ctx,
            template.span(start, end),
            fix=_fix(ctx, template, start, end, path, match.group(1)),
        )


def _fix(
    ctx: FileContext, template: Template, start: int, end: int, path: str, quote: str
) -> Fix:
    cut = min(
        [i for i in (path.find("?"), path.find("#")) if i >= 0], default=len(path)
    )
    file, suffix = path[:cut], path[cut:]  # `?v=2` and `#icon` stay after the tag
    inner = "'" if quote == '"' else '"'
    edits = [
        Edit(template.span(start, end), f"{{% static {inner}{file}{inner} %}}{suffix}")
    ]
    if (
        "static" not in template.loaded_libraries()
        and "staticfiles" not in template.loaded_libraries()
    ):
        edits.append(_load_edit(template))
    level = Applicability.SAFE if _exists(ctx.project, file) else Applicability.UNSAFE
    return Fix.make(f"Use `{{% static '{file}' %}}`", edits, level)


def _load_edit(template: Template) -> Edit:
    extends = template.extends
    if extends is None:
        return Edit(Span.point(0, 0), "{% load static %}\n")
    return Edit(
        Span.point(*template.position(extends.token.end)), "\n{% load static %}"
    )


def static_prefixes(project: ProjectIndex) -> list[str]:
    """URL prefixes of static files: every literal `STATIC_URL`, else `/static/`."""
    prefixes = {"/static/"}
    for module in settings_index(project).leaves():
        value = effective_settings(project, module).value("STATIC_URL")
        if isinstance(value, str) and value:
            if not value.startswith(("/", "http://", "https://", "//")):
                # Django prefixes a relative STATIC_URL with SCRIPT_NAME
                value = "/" + value
            prefixes.add(value if value.endswith("/") else value + "/")
    return sorted(prefixes, key=len, reverse=True)


def _exists(project: ProjectIndex, file: str) -> bool:
    return any(
        os.path.isfile(os.path.join(folder, file)) for folder in static_folders(project)
    )


def _static_folders(project: ProjectIndex) -> list[str]:
    found = []
    for folder, dirs, _ in os.walk(project.root):
        dirs[:] = [d for d in dirs if d not in _SKIPPED and not d.startswith(".")]
        if os.path.basename(folder) == "static":
            found.append(folder)
    return found


register_fact("static-folders", FileRole.SETTINGS)


def static_folders(project: ProjectIndex) -> list[str]:
    return project.fact("static-folders", _static_folders)
