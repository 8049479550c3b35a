"""Renderers for `djvet check`: text (ruff-like, with carets and diffs), JSON, SARIF
2.1.0 and GitHub Actions annotations."""

from __future__ import annotations

import difflib
import json
import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from djvet import __version__
from djvet.core.edits import apply_to_files, group_by_path
from djvet.core.model import Diagnostic, Severity
from djvet.core.rule import RULES

FORMATS = ("text", "json", "sarif", "github", "concise")


def display_path(path: str, cwd: str | None = None) -> str:
    cwd = cwd or os.getcwd()
    try:
        relative = os.path.relpath(path, cwd)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative.replace(os.sep, "/")


class Colors:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


# -- text ------------------------------------------------------------------------------
def render_text(diagnostics: list[Diagnostic], texts: dict[str, str], *, show_diff: bool = False,
                color: bool = False) -> str:
    paint = Colors(color)
    out: list[str] = []
    for d in diagnostics:
        where = f"{display_path(d.path)}:{d.span.start_line + 1}:{d.span.start_column + 1}"
        fixable = " [*]" if d.fix and d.fix.applicability.label == "safe" else ""
        out.append(f"{paint(where, '1')}: {paint(d.code, '1;31')}{fixable} {d.message}")
        out.extend(_snippet(d, texts.get(d.path), paint))
        if d.fix:
            out.append(f"  {paint('help', '1;36')}: {d.fix.title} ({d.fix.applicability.label} fix)")
            if show_diff:
                out.extend("  " + line for line in fix_diff(d, texts))
        for related in d.related:
            out.append(f"  note: {display_path(related.path)}:{related.span.start_line + 1}: {related.message}")
        out.append("")
    return "\n".join(out)


def _snippet(d: Diagnostic, text: str | None, paint: Colors) -> list[str]:
    if text is None:
        return []
    lines = text.split("\n")
    if d.span.start_line >= len(lines):
        return []
    line = lines[d.span.start_line]
    number = str(d.span.start_line + 1)
    gutter = " " * len(number)
    end = d.span.end_column if d.span.end_line == d.span.start_line else len(line)
    width = max(1, end - d.span.start_column)
    caret = " " * d.span.start_column + paint("^" * width, "1;31")
    return [f"  {gutter} |", f"  {number} | {line}", f"  {gutter} | {caret}"]


def fix_diff(d: Diagnostic, texts: dict[str, str]) -> list[str]:
    """A unified diff of what the diagnostic's fix changes, across every file it edits."""
    if d.fix is None:
        return []
    try:
        sources = {p: texts[p] if p in texts else Path(p).read_text(encoding="utf-8")
                   for p in group_by_path(d.fix.edits, d.path)}
        changed = apply_to_files(sources, d.fix.edits, d.path)
    except (OSError, ValueError):
        return ["(the fix could not be previewed)"]
    lines: list[str] = []
    for path, new_text in changed.items():
        name = display_path(path)
        lines.extend(
            line.rstrip("\n")
            for line in difflib.unified_diff(
                sources[path].splitlines(True), new_text.splitlines(True), f"a/{name}", f"b/{name}", n=1
            )
        )
    return lines


def render_summary(diagnostics: list[Diagnostic], seconds: float, files: int, color: bool = False) -> str:
    paint = Colors(color)
    if not diagnostics:
        return f"All checks passed! ({files} files in {seconds:.2f}s)"
    counts = Counter((d.code, d.name) for d in diagnostics)
    width = max(len(str(n)) for n in counts.values())
    rows = [f"{n:>{width}}  {code}  {name}" for (code, name), n in sorted(counts.items())]
    fixable = sum(1 for d in diagnostics if d.fix and d.fix.applicability.label == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix and d.fix.applicability.label == "unsafe")
    lines = [*rows, paint(f"Found {len(diagnostics)} findings in {files} files ({seconds:.2f}s).", "1")]
    if fixable:
        lines.append(f"[*] {fixable} fixable with `djvet check --fix`.")
    if unsafe:
        lines.append(f"{unsafe} more fixable with `--unsafe-fixes`.")
    return "\n".join(lines)


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
    rule = RULES.get(d.code)
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
            {"filename": display_path(r.path), "location": _location(r.span.start_line, r.span.start_column),
             "message": r.message}
            for r in d.related
        ],
    }


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([diagnostic_json(d) for d in diagnostics], indent=2)


# -- SARIF 2.1.0 -----------------------------------------------------------------------
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning",
                Severity.INFORMATION: "note", Severity.HINT: "note"}


def _region(span: Any) -> dict[str, int]:
    return {"startLine": span.start_line + 1, "startColumn": span.start_column + 1,
            "endLine": span.end_line + 1, "endColumn": span.end_column + 1}


def _artifact(path: str) -> dict[str, str]:
    return {"uri": display_path(path)}


def render_sarif(diagnostics: list[Diagnostic]) -> str:
    codes = sorted({d.code for d in diagnostics} | set(RULES))
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary()},
            "fullDescription": {"text": RULES[code].message},
            "helpUri": RULES[code].docs_url,
            "help": {"text": RULES[code].docs or RULES[code].message, "markdown": RULES[code].docs or ""},
            "defaultConfiguration": {"level": _SARIF_LEVEL[RULES[code].severity]},
            "properties": {"tags": [RULES[code].family.slug]},
        }
        for code in codes if code in RULES
    ]
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    results = []
    for d in diagnostics:
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, 0),
            "level": _SARIF_LEVEL[d.severity],
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {"artifactLocation": _artifact(d.path), "region": _region(d.span)}}],
        }
        if d.related:
            result["relatedLocations"] = [
                {"id": n, "message": {"text": r.message},
                 "physicalLocation": {"artifactLocation": _artifact(r.path), "region": _region(r.span)}}
                for n, r in enumerate(d.related)
            ]
        if d.fix is not None and d.fix.edits:
            result["fixes"] = [_sarif_fix(d)]
        results.append(result)
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "djvet", "version": __version__, "semanticVersion": __version__,
                                "informationUri": "https://djvet.dev", "rules": rules}},
            "results": results,
            "columnKind": "unicodeCodePoints",
        }],
    }
    return json.dumps(document, indent=2)


def _sarif_fix(d: Diagnostic) -> dict[str, Any]:
    assert d.fix is not None
    changes = []
    for path, edits in group_by_path(d.fix.edits, d.path).items():
        changes.append({
            "artifactLocation": _artifact(path),
            "replacements": [
                {"deletedRegion": _region(e.span), "insertedContent": {"text": e.new_text}} for e in edits
            ],
        })
    return {"description": {"text": f"{d.fix.title} ({d.fix.applicability.label})"}, "artifactChanges": changes}


# -- GitHub Actions workflow commands --------------------------------------------------
def _escape(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(diagnostics: list[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        level = "error" if d.severity is Severity.ERROR else "warning" if d.severity is Severity.WARNING else "notice"
        props = (
            f"file={_escape(display_path(d.path), property_value=True)},line={d.span.start_line + 1},"
            f"col={d.span.start_column + 1},endLine={d.span.end_line + 1},endColumn={d.span.end_column + 1},"
            f"title={_escape(f'{d.code} {d.name}', property_value=True)}"
        )
        lines.append(f"::{level} {props}::{_escape(f'{d.code} {d.message}')}")
    return "\n".join(lines)


def render_concise(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(
        f"{display_path(d.path)}:{d.span.start_line + 1}:{d.span.start_column + 1}: {d.code} {d.message}"
        for d in diagnostics
    )
