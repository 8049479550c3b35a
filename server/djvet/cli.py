"""The `djvet` command: `check`, `server`, `rule`, `rules`.

Exit codes: 0 no findings, 1 findings remain, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from djvet import __version__
from djvet.core.config import Config, find_project_root, load_config, prefix_help, valid_prefix
from djvet.core.document import Document, language_for_path
from djvet.core.model import Applicability, Language
from djvet.core.rule import RULES, discover, iter_rules

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="djvet", description="Hold Django projects to best practices.")
    parser.add_argument("--version", action="version", version=f"djvet {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check files and folders (default: the current folder)")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or folders; - reads standard input")
    check.add_argument("--fix", action="store_true", help="apply safe fixes")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix, also apply unsafe fixes; "
                       "otherwise show them as fixable")
    check.add_argument("--diff", action="store_true", help="show each fix as a diff; with --fix, print the "
                       "changes instead of writing them")
    check.add_argument("--select", help="comma-separated rule codes or prefixes (replaces the configured set)")
    check.add_argument("--extend-select", help="comma-separated codes or prefixes to add")
    check.add_argument("--ignore", help="comma-separated codes or prefixes to skip")
    check.add_argument("--output-format", choices=("text", "concise", "json", "sarif", "github"), default=None)
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    check.add_argument("--statistics", action="store_true", help="print time per rule and per phase")
    check.add_argument("--stdin-filename", help="the path of the file read from standard input")
    check.add_argument("--config", help="path to a pyproject.toml to read [tool.djvet] from")
    check.add_argument("--no-progress", action="store_true", help="never show the progress line")

    server = commands.add_parser("server", help="run the language server on standard input/output")
    server.add_argument("--log-file", help="also write the server log to this file")
    server.add_argument("-v", "--verbose", action="store_true")

    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("code", help="a rule code (DJV201) or name (debug-enabled)")
    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--output-format", choices=("text", "json"), default="text")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="djvet: %(message)s")
    discover()
    try:
        if args.command == "server":
            return _server(args)
        if args.command == "rule":
            return _rule(args)
        if args.command == "rules":
            return _rules(args)
        if args.command is None:
            parser.print_help()
            return EXIT_CLEAN
        return _check(args)
    except UsageError as error:
        print(f"djvet: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR
    except Exception as error:  # an internal error must still give a clear message and exit 2
        logging.getLogger("djvet").exception("internal error")
        print(f"djvet: internal error: {error}", file=sys.stderr)
        return EXIT_ERROR


# -- check -----------------------------------------------------------------------------
def _codes(option: str | None, flag: str) -> tuple[str, ...] | None:
    if option is None:
        return None
    codes = tuple(c.strip().upper() for c in option.split(",") if c.strip())
    bad = [c for c in codes if not valid_prefix(c)]
    if bad:
        raise UsageError(f"{flag}: unknown rule code or prefix {', '.join(bad)}; {prefix_help()}")
    return codes


def _config(args: argparse.Namespace, paths: list[str]) -> Config:
    if args.config:
        if not os.path.isfile(args.config):
            raise UsageError(f"--config: no such file {args.config}")
        root = Path(args.config).resolve().parent
        config = load_config(root)
    else:
        start = Path(paths[0]) if paths and paths[0] != "-" else Path(args.stdin_filename or ".")
        root = find_project_root(start if start.exists() else Path.cwd())
        config = load_config(root)
    select = _codes(args.select, "--select")
    ignore = _codes(args.ignore, "--ignore")
    extend = _codes(args.extend_select, "--extend-select")
    if select is not None:
        config = replace(config, select=select, extend_select=())
    if extend:
        config = replace(config, extend_select=(*config.extend_select, *extend))
    if ignore:
        config = replace(config, ignore=(*config.ignore, *ignore))
    return config


def _check(args: argparse.Namespace) -> int:
    from djvet import output
    from djvet.checker import check_files, collect_files
    from djvet.project.index import ProjectIndex

    paths = args.paths or ["."]
    config = _config(args, paths)
    fmt = args.output_format or "text"
    project = ProjectIndex(config.root or Path.cwd(), config)
    level = Applicability.UNSAFE if args.unsafe_fixes else Applicability.SAFE
    if paths == ["-"]:
        return _check_stdin(args, project, fmt, level)
    files = collect_files(project, paths)
    interactive = sys.stderr.isatty() and fmt in ("text", "concise") and not args.no_progress
    progress = _Progress(sys.stderr) if interactive else None
    result = check_files(project, files, fix_level=level if args.fix and not args.diff else None,
                         progress=progress, with_stats=args.statistics)
    if progress:
        progress.clear()
    for warning in result.warnings:
        print(f"djvet: warning: {warning}", file=sys.stderr)
    diagnostics = sorted(result.diagnostics, key=lambda d: d.sort_key())
    if args.fix and args.diff:
        return _print_fix_diff(diagnostics, level, args)
    texts = {d.path: project.read(d.path) or "" for d in diagnostics}
    _print_report(fmt, diagnostics, texts, args, result)
    if args.statistics:
        _print_statistics(result)
    if fmt in ("text", "concise") and args.fix and result.fixes_applied:
        print(f"Fixed {result.fixes_applied} findings.", file=sys.stderr)
    if result.files_checked == 0 and not files:
        print("djvet: warning: no files to check", file=sys.stderr)
    return EXIT_FINDINGS if diagnostics and not args.exit_zero else EXIT_CLEAN


def _print_report(fmt: str, diagnostics: list, texts: dict[str, str], args: argparse.Namespace,
                  result: object) -> None:
    from djvet import output

    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    if fmt == "json":
        print(output.render_json(diagnostics))
    elif fmt == "sarif":
        print(output.render_sarif(diagnostics))
    elif fmt == "github":
        text = output.render_github(diagnostics)
        if text:
            print(text)
    elif fmt == "concise":
        if diagnostics:
            print(output.render_concise(diagnostics))
        print(output.render_summary(diagnostics, result.seconds, result.files_checked, color))
    else:
        if diagnostics:
            print(output.render_text(diagnostics, texts, show_diff=args.diff, color=color))
        print(output.render_summary(diagnostics, result.seconds, result.files_checked, color))


def _print_fix_diff(diagnostics: list, level: Applicability, args: argparse.Namespace) -> int:
    """`--fix --diff`: print what would change, write nothing (exit 1 when it would)."""
    from djvet import output

    fixable = [d for d in diagnostics if d.fix and d.fix.applicability >= level]
    for d in fixable:
        print("\n".join(output.fix_diff(d, {})))
    if fixable:
        print(f"Would fix {len(fixable)} findings.", file=sys.stderr)
    return EXIT_FINDINGS if fixable and not args.exit_zero else EXIT_CLEAN


def _check_stdin(args: argparse.Namespace, project: object, fmt: str, level: Applicability) -> int:
    from djvet import output
    from djvet.checker import Result
    from djvet.engine import check_document

    filename = os.path.abspath(args.stdin_filename or "stdin.py")
    text = sys.stdin.read()
    language = language_for_path(filename) or Language.PYTHON
    project.set_overlay(filename, text)
    document = Document(path=filename, text=text, language=language)
    diagnostics = check_document(document, project)
    if args.fix:
        from djvet.checker import _fix_file

        result = Result()
        _fix_file_in_memory = _fix_file  # noqa: F841 - kept for symmetry with files
        fixed = text
        for _ in range(10):
            fixes = [d for d in check_document(Document(filename, fixed, language), project)
                     if d.fix and d.fix.applicability >= level]
            own = [d for d in fixes if all((e.path or filename) == filename for e in d.fix.edits)]
            if not own:
                break
            from djvet.core.edits import apply_edits

            fixed = apply_edits(fixed, [e for e in own[0].fix.edits])
            project.set_overlay(filename, fixed)
            result.fixes_applied += 1
        sys.stdout.write(fixed)
        remaining = check_document(Document(filename, fixed, language), project)
        return EXIT_FINDINGS if remaining and not args.exit_zero else EXIT_CLEAN
    result = Result(diagnostics=diagnostics, files_checked=1)
    _print_report(fmt, diagnostics, {filename: text}, args, result)
    return EXIT_FINDINGS if diagnostics and not args.exit_zero else EXIT_CLEAN


def _print_statistics(result: object) -> None:
    from djvet.core.rule import RULES as rules

    print("\nTime per phase:", file=sys.stderr)
    for phase, seconds in sorted(result.stats.per_phase.items(), key=lambda item: -item[1]):
        print(f"  {seconds * 1000:10.1f} ms  {phase}", file=sys.stderr)
    print("Time per rule:", file=sys.stderr)
    for code, seconds in sorted(result.stats.per_rule.items(), key=lambda item: -item[1]):
        print(f"  {seconds * 1000:10.1f} ms  {code} {rules[code].name}", file=sys.stderr)


class _Progress:
    """`files done / total, elapsed` on stderr, shown once a run takes over a second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.shown = False
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        elapsed = now - self.started
        if elapsed < 1.0 or now - self.last < 0.1 and done != total:
            return
        self.last = now
        self.shown = True
        self.stream.write(f"\rdjvet: {done}/{total} files, {elapsed:.1f}s")
        self.stream.flush()

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


# -- rules and docs --------------------------------------------------------------------
def _find_rule(code_or_name: str):
    for rule in iter_rules():
        if code_or_name.upper() == rule.code or code_or_name == rule.name:
            return rule
    return None


def _rule(args: argparse.Namespace) -> int:
    rule = _find_rule(args.code)
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r}; `djvet rules` lists them")
    print(f"# {rule.code} {rule.name}\n")
    print(f"Family: {rule.family.title} · Severity: {rule.severity.label} · Fix: {rule.fix.value}\n")
    print((rule.docs or rule.message).strip())
    return EXIT_CLEAN


def _rules(args: argparse.Namespace) -> int:
    rules = list(iter_rules())
    if args.output_format == "json":
        import json

        print(json.dumps([
            {"code": r.code, "name": r.name, "family": r.family.slug, "severity": r.severity.label,
             "fix": r.fix.value, "summary": r.summary(), "url": r.docs_url}
            for r in rules
        ], indent=2))
        return EXIT_CLEAN
    for rule in rules:
        fix = {"always": "S", "sometimes": "s", "never": " "}[rule.fix.value]
        print(f"{rule.code}  {fix}  {rule.name:<36} {rule.summary()[:80]}")
    return EXIT_CLEAN


def _server(args: argparse.Namespace) -> int:
    from djvet.lsp.server import start

    start(log_file=args.log_file, verbose=args.verbose)
    return EXIT_CLEAN


assert RULES is not None  # the registry is filled by discover()
