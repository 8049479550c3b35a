"""The `djvet` command: `check`, `rule`, `rules`, `server`.

Exit codes: 0 no findings, 1 findings remain, 2 usage or internal error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from djvet import __version__, docs_gen, output
from djvet.checker import Result, check_files, collect_files
from djvet.core.config import (
    Config,
    find_project_root,
    load_config,
    prefix_help,
    valid_prefix,
)
from djvet.core.model import Applicability, Diagnostic
from djvet.core.rule import discover, iter_rules
from djvet.project.cache import FindingsCache
from djvet.project.index import ProjectIndex, normalize

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "concise", "json", "sarif", "github")


class UsageError(Exception):
    """Bad arguments: reported as `djvet: error: …`, exit code 2."""


# -- arguments -------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="djvet", description="Hold Django projects to best practices."
    )
    parser.add_argument("--version", action="version", version=f"djvet {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _check_parser(
        commands.add_parser(
            "check", help="check files and folders (default: the current folder)"
        )
    )

    rule = commands.add_parser("rule", help="show a rule's documentation")
    rule.add_argument("code", help="a rule code (DJV201) or name (debug-enabled)")
    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--output-format", choices=("text", "json"), default="text")

    server = commands.add_parser(
        "server", help="run the language server on standard input/output"
    )
    server.add_argument("--log-file", help="also write the server log to this file")
    server.add_argument(
        "-v", "--verbose", action="store_true", help="log debugging detail"
    )
    return parser


def _check_parser(check: argparse.ArgumentParser) -> None:
    add = check.add_argument
    add(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files or folders; - reads standard input",
    )
    add(
        "--fix",
        action="store_true",
        help="apply safe fixes (repeatedly, until none is left)",
    )
    add(
        "--unsafe-fixes",
        action="store_true",
        help="also apply unsafe fixes with --fix; without it, show them as fixable",
    )
    add(
        "--diff",
        action="store_true",
        help="show each fix as a unified diff; with --fix, print the changes and write nothing",
    )
    add(
        "--select",
        metavar="CODES",
        help="comma-separated codes or prefixes to check (replaces the configured set)",
    )
    add(
        "--extend-select",
        metavar="CODES",
        help="comma-separated codes or prefixes to add",
    )
    add("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    add(
        "--output-format",
        choices=FORMATS,
        default="text",
        help="how to report findings (default: text)",
    )
    add("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    add(
        "--statistics",
        action="store_true",
        help="count findings per rule instead of listing them; time per rule goes to stderr",
    )
    add(
        "--stdin-filename",
        metavar="PATH",
        help="the path of the file read from standard input",
    )
    add("--config", metavar="FILE", help="read [tool.djvet] from this TOML file")
    add(
        "--force-exclude",
        action="store_true",
        help="apply `exclude` to files named on the command line too (for pre-commit)",
    )
    add("--no-progress", action="store_true", help="never show the progress line")
    add(
        "--no-cache",
        action="store_true",
        help="ignore and do not write the findings cache (.djvet_cache/)",
    )
    add(
        "--jobs",
        "-j",
        type=int,
        metavar="N",
        help="worker processes for checking (default: one per core for 40+ files; 1 = serial)",
    )
    add(
        "-v",
        "--verbose",
        action="store_true",
        help="also say which files are skipped and why",
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        # argparse exits 2 on bad usage, 0 after --help/--version
        return exit_.code if isinstance(exit_.code, int) else EXIT_ERROR
    _configure_logging(getattr(args, "verbose", False))
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        if args.command != "check":
            # A check imports the rules when it first checks a file: a warm run whose
            # findings all come from the cache never needs them (a quarter of its time).
            discover()
        return {"check": _check, "rule": _rule, "rules": _rules, "server": _server}[
            args.command
        ](args)
    except UsageError as error:
        print(f"djvet: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("djvet: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `djvet rules | head`: the reader left, nothing is wrong
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_CLEAN
    except Exception as error:  # a bug must still end with a clear message and exit 2
        logging.getLogger("djvet").exception("internal error")
        print(
            f"djvet: internal error: {error}; please report it with the traceback above",
            file=sys.stderr,
        )
        return EXIT_ERROR


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="djvet: %(levelname)s: %(message)s",
        force=True,
    )
    # The project index's warnings reach the user once, through `Result.warnings`.
    logging.getLogger("djvet.project.index").setLevel(logging.ERROR)


# -- check -----------------------------------------------------------------------------
def _codes(option: str | None, flag: str) -> tuple[str, ...] | None:
    if option is None:
        return None
    codes = tuple(code.strip().upper() for code in option.split(",") if code.strip())
    bad = [code for code in codes if not valid_prefix(code)]
    if bad:
        raise UsageError(
            f"{flag}: unknown rule code or prefix {', '.join(bad)}; {prefix_help(bad[0])}"
        )
    return codes


def _config(args: argparse.Namespace, paths: list[str]) -> Config:
    if args.config:
        pyproject = Path(args.config)
        if not pyproject.is_file():
            raise UsageError(f"--config: no such file {args.config}")
        config = load_config(pyproject.resolve().parent, pyproject)
    else:
        first = paths[0] if paths[0] != "-" else (args.stdin_filename or ".")
        start = Path(first)
        while not start.exists() and start != start.parent:
            # a missing path still finds its project's configuration
            start = start.parent
        config = load_config(find_project_root(start if start.exists() else Path.cwd()))
    select = _codes(args.select, "--select")
    extend = _codes(args.extend_select, "--extend-select") or ()
    ignore = _codes(args.ignore, "--ignore") or ()
    if select is not None or extend or ignore:
        config = config.with_selection(select, extend, ignore)
    return config


def _check(args: argparse.Namespace) -> int:
    paths = args.paths or (["-"] if args.stdin_filename else ["."])
    if "-" in paths and len(paths) > 1:
        raise UsageError("`-` (standard input) cannot be combined with other paths")
    config = _config(args, paths)
    project = ProjectIndex(config.root or Path.cwd(), config)
    level = Applicability.UNSAFE if args.unsafe_fixes else Applicability.SAFE
    if paths == ["-"]:
        return _check_stdin(args, project, level)
    return _check_paths(args, project, paths, level)


def _shows_edits(args: argparse.Namespace) -> bool:
    """Whether the report shows or applies fix edits (then fixes are verified first)."""
    return bool(args.fix or args.diff or args.output_format in ("json", "sarif"))


def _check_paths(
    args: argparse.Namespace,
    project: ProjectIndex,
    paths: list[str],
    level: Applicability,
) -> int:
    files = collect_files(project, paths, force_exclude=args.force_exclude)
    interactive = (
        _is_terminal(sys.stderr)
        and args.output_format in ("text", "concise")
        and not args.no_progress
    )
    progress = _Progress(sys.stderr).start() if interactive else None
    try:
        result = check_files(
            project,
            files,
            fix_level=level if args.fix else None,
            progress=progress,
            with_stats=args.statistics,
            write=not args.diff,
            jobs=args.jobs,
            cache=None
            if args.no_cache or args.fix
            else FindingsCache(project.root).load(),
            verify_fixes=_shows_edits(args),
        )
    finally:
        if progress:
            progress.clear()
    _print_warnings(result.warnings)
    missing = [p for p in paths if not os.path.exists(p)]
    if not files and not missing:
        print(
            f"djvet: warning: no files to check in {', '.join(paths)} "
            "(djvet reads Python, templates, requirements and deploy files)",
            file=sys.stderr,
        )
    if args.fix and args.diff:
        code = _print_fix_diff(result, args)
    else:
        code = _report(args, result, level, project.read)
    return EXIT_ERROR if missing else code


def _report(
    args: argparse.Namespace,
    result: Result,
    level: Applicability,
    read: Callable[[str], str | None],
) -> int:
    """Print the findings in the chosen format; the exit code they call for."""
    diagnostics = sorted(result.diagnostics, key=Diagnostic.sort_key)
    fmt = args.output_format
    if fmt in ("text", "concise"):
        _print_human(args, result, diagnostics, level, read)
    elif args.statistics and fmt == "json":
        print(output.render_statistics_json(diagnostics, level))
    elif fmt == "json":
        print(output.render_json(diagnostics))
    elif fmt == "sarif":
        # URIs relative to the working folder, where code scanning runs djvet.
        print(
            output.render_sarif(diagnostics, root=Path.cwd(), warnings=result.warnings)
        )
    elif diagnostics:  # github
        print(output.render_github(diagnostics))
    if args.statistics:
        _print_timings(result)
    return EXIT_FINDINGS if diagnostics and not args.exit_zero else EXIT_CLEAN


def _print_human(
    args: argparse.Namespace,
    result: Result,
    diagnostics: list[Diagnostic],
    level: Applicability,
    read: Callable[[str], str | None],
) -> None:
    color = _use_color(sys.stdout)
    if args.statistics:
        if diagnostics:
            print(output.render_statistics(diagnostics, level))
    elif args.output_format == "concise":
        if diagnostics:
            print(output.render_concise(diagnostics, level))
    elif diagnostics:
        texts = {path: read(path) or "" for path in {d.path for d in diagnostics}}
        print(
            output.render_text(
                diagnostics, texts, show_diff=args.diff, color=color, fix_level=level
            )
        )
    if result.fixes_applied:
        files = output.plural(len(result.fixed), "file")
        print(f"Fixed {output.plural(result.fixes_applied, 'finding')} in {files}.")
    if _is_terminal(sys.stdout):
        print(
            output.render_summary(
                diagnostics, result.seconds, result.files_checked, color, level
            )
        )
    else:
        print(output.render_footer(diagnostics, level))


def _print_fix_diff(result: Result, args: argparse.Namespace) -> int:
    """`--fix --diff`: print what would change, write nothing; exit 1 when something would."""
    diff = output.render_fixed_diff(result.fixed, _use_color(sys.stdout))
    if diff:
        print(diff)
    count = result.fixes_applied
    print(
        f"Would fix {output.plural(count, 'finding')}."
        if count
        else "No fixes available.",
        file=sys.stderr,
    )
    return EXIT_FINDINGS if count and not args.exit_zero else EXIT_CLEAN


def _check_stdin(
    args: argparse.Namespace, project: ProjectIndex, level: Applicability
) -> int:
    """Standard input is checked as the file `--stdin-filename` names (default `stdin.py`).
    With `--fix`, the fixed text goes to stdout and remaining findings to stderr."""
    path = normalize(args.stdin_filename or "stdin.py")
    text = _read_stdin()
    project.set_overlay(path, text)
    result = check_files(
        project,
        [path],
        fix_level=level if args.fix else None,
        write=False,
        own_file_only=True,
    )
    _print_warnings(result.warnings)
    if not args.fix:
        return _report(args, result, level, project.read)
    if args.diff:
        return _print_fix_diff(result, args)
    sys.stdout.write(result.fixed.get(path, (text, text))[1])
    remaining = sorted(result.diagnostics, key=Diagnostic.sort_key)
    if remaining:
        print(output.render_concise(remaining, level), file=sys.stderr)
    return EXIT_FINDINGS if remaining and not args.exit_zero else EXIT_CLEAN


def _read_stdin() -> str:
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # a text stream stands in for stdin (tests, embedding)
        return sys.stdin.read()
    try:
        return stream.read().decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"standard input is not UTF-8 ({error.reason} at byte {error.start})"
        ) from None


def _print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print(f"djvet: warning: {warning}", file=sys.stderr)


def _print_timings(result: Result) -> None:
    stats = result.stats
    print("Time per phase:", file=sys.stderr)
    for phase, seconds in sorted(stats.per_phase.items(), key=lambda item: -item[1]):
        print(f"  {seconds * 1000:10.1f} ms  {phase}", file=sys.stderr)
    print("Time per rule:", file=sys.stderr)
    for code, seconds in sorted(stats.per_rule.items(), key=lambda item: -item[1]):
        name = discover()[code].name if code in discover() else ""
        print(f"  {seconds * 1000:10.1f} ms  {code} {name}", file=sys.stderr)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def _use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(os.environ.get("FORCE_COLOR")) or _is_terminal(stream)


class _Progress:
    """`files done/total, elapsed` on stderr, shown once a run takes over a second.

    Files report as they finish; a ticker thread also redraws the line while one slow
    file (the first, which builds the project index) keeps the count still.
    """

    def __init__(self, stream: TextIO, delay: float = 1.0) -> None:
        self.stream = stream
        self.delay = delay
        self.started = time.monotonic()
        self.shown = False
        self.last = 0.0
        self.done, self.total = 0, 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self) -> _Progress:
        self._ticker = threading.Thread(
            target=self._tick, name="djvet-progress", daemon=True
        )
        self._ticker.start()
        return self

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            if self.total:
                self._draw(force=True)

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self._draw(force=done == total)

    def _draw(self, *, force: bool) -> None:
        with self._lock:
            now = time.monotonic()
            elapsed = now - self.started
            if (
                self._stop.is_set()
                or elapsed < self.delay
                or (now - self.last < 0.1 and not force)
            ):
                return
            self.last = now
            self.shown = True
            self.stream.write(
                f"\r\x1b[Kdjvet: {self.done}/{self.total} files, {elapsed:.1f}s"
            )
            self.stream.flush()

    def clear(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join()
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


# -- rules and docs --------------------------------------------------------------------
def _rule(args: argparse.Namespace) -> int:
    rule = docs_gen.find_rule(args.code)
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r}; {prefix_help(args.code)}")
    print(docs_gen.render_rule(rule), end="")
    return EXIT_CLEAN


def _rules(args: argparse.Namespace) -> int:
    rules = list(iter_rules())
    if args.output_format == "json":
        print(docs_gen.render_rules_json(rules))
    else:
        print(docs_gen.render_rules_table(rules))
    return EXIT_CLEAN


def _server(args: argparse.Namespace) -> int:
    from djvet.lsp.server import start

    start(log_file=args.log_file, verbose=args.verbose)
    return EXIT_CLEAN
