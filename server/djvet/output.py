"""Renderers for `djvet check`: text (ruff-like, with carets and diffs), concise, JSON
(modelled on ruff's), SARIF 2.1.0 and GitHub Actions annotations.

Every renderer takes the findings sorted and returns a string; printing, colours and
"is this a terminal" are the CLI's business.
"""

from __future__ import annotations

import difflib
import json
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from parso.utils import split_lines

from djvet import __version__
from djvet.core.edits import apply_to_files, group_by_path
from djvet.core.model import Applicability, Diagnostic, Severity, Span
from djvet.core.rule import discover

FORMATS = ("text", "concise", "json", "sarif", "github")


def display_path(path: str, cwd: str | None = None) -> str:
    """`path` relative to the working folder when inside it, else as given."""
    cwd = cwd or os.getcwd()
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def is_fixable(d: Diagnostic, level: Applicability = Applicability.SAFE) -> bool:
    """Whether `--fix` (at `level`) would apply this finding's fix."""
    return (
        d.fix is not None
        and bool(d.fix.edits)
        and d.fix.applicability >= max(level, Applicability.UNSAFE)
    )


class Colors:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


# -- text ------------------------------------------------------------------------------
def render_text(
    diagnostics: list[Diagnostic],
    texts: Mapping[str, str],
    *,
    show_diff: bool = False,
    color: bool = False,
    fix_level: Applicability = Applicability.SAFE,
) -> str:
    """Each finding: `path:line:col: CODE [*] message`, the line with a caret, the fix's
    title and safety, and with `show_diff` the fix as a unified diff."""
    paint = Colors(color)
    out: list[str] = []
    for d in diagnostics:
        where = (
            f"{display_path(d.path)}:{d.span.start_line + 1}:{d.span.start_column + 1}"
        )
        mark = " [*]" if is_fixable(d, fix_level) else ""
        out.append(f"{paint(where, '1')}: {paint(d.code, '1;31')}{mark} {d.message}")
        out.extend(_snippet(d.span, texts.get(d.path), paint))
        if d.fix:
            out.append(
                f"  {paint('help', '1;36')}: {d.fix.title} ({d.fix.applicability.label} fix)"
            )
            if show_diff:
                out.extend(
                    "  " + _paint_diff(line, paint) for line in fix_diff(d, texts)
                )
        for related in d.related:
            where = f"{display_path(related.path)}:{related.span.start_line + 1}"
            out.append(f"  {paint('note', '1;34')}: {where}: {related.message}")
        out.append("")
    return "\n".join(out)


def _width(text: str) -> int:
    """Columns `text` takes on a terminal: wide (CJK, emoji) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _snippet(span: Span, text: str | None, paint: Colors) -> list[str]:
    if text is None:
        return []
    lines = split_lines(text.removeprefix("\ufeff"))  # parso's columns skip a BOM too
    if span.start_line >= len(lines):
        return []
    line = lines[span.start_line].expandtabs(4)
    raw = lines[span.start_line]
    # Column positions count code points of the raw line; carets count terminal cells.
    before = raw[: span.start_column].expandtabs(4)
    end = span.end_column if span.end_line == span.start_line else len(raw)
    marked = raw[: max(end, span.start_column)].expandtabs(4)[len(before) :]
    caret = " " * _width(before) + paint("^" * max(1, _width(marked)), "1;31")
    number = str(span.start_line + 1)
    gutter = " " * len(number)
    return [f"  {gutter} |", f"  {number} | {line}", f"  {gutter} | {caret}"]


def _paint_diff(line: str, paint: Colors) -> str:
    if line.startswith(("+++", "---")):
        return paint(line, "1")
    if line.startswith("+"):
        return paint(line, "32")
    if line.startswith("-"):
        return paint(line, "31")
    if line.startswith("@@"):
        return paint(line, "36")
    return line


def fix_diff(d: Diagnostic, texts: Mapping[str, str]) -> list[str]:
    """A unified diff of what the diagnostic's fix changes, across every file it edits."""
    if d.fix is None or not d.fix.edits:
        return []
    try:
        sources = {
            p: texts[p] if p in texts else Path(p).read_text(encoding="utf-8")
            for p in group_by_path(d.fix.edits, d.path)
        }
        changed = apply_to_files(sources, d.fix.edits, d.path)
    except (OSError, ValueError):
        return ["(the fix could not be previewed)"]
    lines: list[str] = []
    for path, new_text in changed.items():
        lines.extend(unified_diff(path, sources[path], new_text, context=1))
    return lines


def unified_diff(path: str, before: str, after: str, *, context: int = 3) -> list[str]:
    name = display_path(path)
    return [
        line.rstrip("\r\n")
        for line in difflib.unified_diff(
            before.splitlines(True),
            after.splitlines(True),
            f"a/{name}",
            f"b/{name}",
            n=context,
        )
    ]


def render_fixed_diff(fixed: Mapping[str, tuple[str, str]], color: bool = False) -> str:
    """`--fix --diff`: one unified diff per changed file, as `git diff` shows them."""
    paint = Colors(color)
    out = []
    for path in sorted(fixed):
        before, after = fixed[path]
        if before != after:
            out.extend(
                _paint_diff(line, paint) for line in unified_diff(path, before, after)
            )
    return "\n".join(out)


def render_summary(
    diagnostics: list[Diagnostic],
    seconds: float,
    files: int,
    color: bool = False,
    fix_level: Applicability = Applicability.SAFE,
) -> str:
    """The end of a run on a terminal: findings per rule, what `--fix` would do, time."""
    paint = Colors(color)
    if not diagnostics:
        return paint(
            f"All checks passed! ({plural(files, 'file')} in {seconds:.2f}s)", "1;32"
        )
    counts = Counter((d.code, d.name) for d in diagnostics)
    width = max(len(str(n)) for n in counts.values())
    rows = [
        f"{n:>{width}}  {code}  {name}" for (code, name), n in sorted(counts.items())
    ]
    found = f"Found {plural(len(diagnostics), 'finding')} in {plural(files, 'file')} ({seconds:.2f}s)."
    return "\n".join([*rows, paint(found, "1"), *_fix_hints(diagnostics, fix_level)])


def render_footer(
    diagnostics: list[Diagnostic], fix_level: Applicability = Applicability.SAFE
) -> str:
    """The end of a run when output is piped: counts only, nothing that varies by run."""
    if not diagnostics:
        return "All checks passed!"
    return "\n".join(
        [
            f"Found {plural(len(diagnostics), 'finding')}.",
            *_fix_hints(diagnostics, fix_level),
        ]
    )


def _fix_hints(diagnostics: list[Diagnostic], level: Applicability) -> list[str]:
    fixable = sum(1 for d in diagnostics if is_fixable(d, level))
    unsafe = (
        sum(1 for d in diagnostics if is_fixable(d, Applicability.UNSAFE)) - fixable
    )
    hints = []
    if fixable:
        command = "--fix --unsafe-fixes" if level <= Applicability.UNSAFE else "--fix"
        hints.append(f"[*] {fixable} fixable with `djvet check {command}`.")
    if unsafe:
        more = "more " if fixable else ""
        hints.append(
            f"{unsafe} {more}fixable with `djvet check --fix --unsafe-fixes` (review those changes)."
        )
    return hints


def render_statistics(
    diagnostics: list[Diagnostic], fix_level: Applicability = Applicability.SAFE
) -> str:
    """`--statistics`: how many findings each rule has, most first (like ruff's); `[*]`
    when `--fix` would fix some of them."""
    rows = _statistics(diagnostics, fix_level)
    if not rows:
        return ""
    width = max(len(str(row["count"])) for row in rows)
    return "\n".join(
        f"{row['count']:>{width}}  {row['code']}  {'[*]' if row['fixable'] else '   '} {row['name']}"
        for row in rows
    )


def render_statistics_json(
    diagnostics: list[Diagnostic], fix_level: Applicability = Applicability.SAFE
) -> str:
    return json.dumps(_statistics(diagnostics, fix_level), indent=2)


def _statistics(
    diagnostics: list[Diagnostic], level: Applicability
) -> list[dict[str, Any]]:
    counts = Counter(d.code for d in diagnostics)
    fixable = Counter(d.code for d in diagnostics if is_fixable(d, level))
    names = {d.code: d.name for d in diagnostics}
    return [
        {
            "code": code,
            "name": names[code],
            "count": count,
            "fixable": fixable[code],  # how many of them `--fix` would fix
        }
        for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def render_concise(
    diagnostics: list[Diagnostic], fix_level: Applicability = Applicability.SAFE
) -> str:
    return "\n".join(
        f"{display_path(d.path)}:{d.span.start_line + 1}:{d.span.start_column + 1}: "
        f"{d.code}{' [*]' if is_fixable(d, fix_level) else ''} {d.message}"
        for d in diagnostics
    )


# -- JSON (modelled on ruff's) ---------------------------------------------------------
def _location(line: int, column: int) -> dict[str, int]:
    return {"row": line + 1, "column": column + 1}


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "message": d.fix.title,
            "applicability": d.fix.applicability.label,
            "edits": [
                {
                    "filename": display_path(e.path or d.path),
                    "location": _location(e.span.start_line, e.span.start_column),
                    "end_location": _location(e.span.end_line, e.span.end_column),
                    "content": e.new_text,
                }
                for e in d.fix.edits
            ],
        }
    rule = discover().get(d.code)
    return {
        "filename": display_path(d.path),
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "severity": d.severity.label,
        "location": _location(d.span.start_line, d.span.start_column),
        "end_location": _location(d.span.end_line, d.span.end_column),
        "fix": fix,
        "url": rule.docs_url if rule else None,
        "related": [
            {
                "filename": display_path(r.path),
                "location": _location(r.span.start_line, r.span.start_column),
                "message": r.message,
            }
            for r in d.related
        ],
    }


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([diagnostic_json(d) for d in diagnostics], indent=2)


# -- SARIF 2.1.0 -----------------------------------------------------------------------
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}
_SRCROOT = "%SRCROOT%"


def _region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.start_line + 1,
        "startColumn": span.start_column + 1,
        "endLine": span.end_line + 1,
        "endColumn": span.end_column + 1,
    }


def _artifact(path: str, root: Path | None) -> dict[str, str]:
    """A URI relative to the project root (as code-scanning services want), else absolute."""
    absolute = Path(os.path.abspath(path))
    if root is not None:
        try:
            relative = absolute.relative_to(root)
        except ValueError:
            pass
        else:
            return {"uri": quote(relative.as_posix()), "uriBaseId": _SRCROOT}
    return {"uri": absolute.as_uri()}


def _sarif_rule(code: str) -> dict[str, Any]:
    rule = discover()[code]
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.message},
        "helpUri": rule.docs_url,
        "help": {
            "text": rule.docs or rule.message,
            "markdown": rule.docs or rule.message,
        },
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
        "properties": {"tags": [rule.family.slug]},
    }


def render_sarif(
    diagnostics: list[Diagnostic],
    *,
    root: Path | None = None,
    warnings: Iterable[str] = (),
) -> str:
    """One run whose driver lists every rule; warnings become tool notifications."""
    root = Path(os.path.abspath(root)) if root is not None else None
    rules = [_sarif_rule(code) for code in sorted(discover())]
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "djvet",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": "https://djvet.dev",
                "rules": rules,
            }
        },
        "invocations": [_invocation(warnings)],
        "results": [_sarif_result(d, index, root) for d in diagnostics],
        "columnKind": "unicodeCodePoints",
    }
    if root is not None:
        run["originalUriBaseIds"] = {_SRCROOT: {"uri": root.as_uri().rstrip("/") + "/"}}
    return json.dumps(
        {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2
    )


def _invocation(warnings: Iterable[str]) -> dict[str, Any]:
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notes = [{"level": "warning", "message": {"text": w}} for w in warnings]
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation


def _sarif_result(
    d: Diagnostic, index: Mapping[str, int], root: Path | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": d.code,
        "level": _SARIF_LEVEL[d.severity],
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _artifact(d.path, root),
                    "region": _region(d.span),
                }
            }
        ],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "message": {"text": r.message},
                "physicalLocation": {
                    "artifactLocation": _artifact(r.path, root),
                    "region": _region(r.span),
                },
            }
            for number, r in enumerate(d.related)
        ]
    if d.fix is not None and d.fix.edits:
        result["fixes"] = [_sarif_fix(d, root)]
    return result


def _sarif_fix(d: Diagnostic, root: Path | None) -> dict[str, Any]:
    assert d.fix is not None
    changes = [
        {
            "artifactLocation": _artifact(path, root),
            "replacements": [
                {
                    "deletedRegion": _region(e.span),
                    "insertedContent": {"text": e.new_text},
                }
                for e in edits
            ],
        }
        for path, edits in group_by_path(d.fix.edits, d.path).items()
    ]
    description = f"{d.fix.title} ({d.fix.applicability.label} fix)"
    return {"description": {"text": description}, "artifactChanges": changes}


# -- GitHub Actions workflow commands --------------------------------------------------
def _escape(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def render_github(diagnostics: list[Diagnostic]) -> str:
    """`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message` per finding."""
    lines = []
    for d in diagnostics:
        level = _GITHUB_LEVEL.get(d.severity, "notice")
        props = (
            f"file={_escape(display_path(d.path), property_value=True)},"
            f"line={d.span.start_line + 1},col={d.span.start_column + 1},"
            f"endLine={d.span.end_line + 1},endColumn={d.span.end_column + 1},"
            f"title={_escape(f'djvet ({d.code} {d.name})', property_value=True)}"
        )
        lines.append(f"::{level} {props}::{_escape(f'{d.code} {d.message}')}")
    return "\n".join(lines)
