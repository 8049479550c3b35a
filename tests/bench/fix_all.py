"""Fix-all over real projects, in throwaway copies: every applied fix must hold up.

`python tests/bench/fix_all.py [corpus ...]` (default: every corpus `make bench` finds)
copies each project to a scratch folder, records djvet's findings, runs
`djvet check --fix --unsafe-fixes`, and checks the result independently of the fix
loop's own verification:

- every changed Python file parses with no more parso error nodes than before;
- no (file, rule) pair has more findings after the fixes than before, except the codes
  a fix is documented to reveal (`extra["reveals"]`: adding SecurityMiddleware turns
  on the checks of the settings it reads);
- the findings of the fixed rules went down.

It prints the counts per corpus and exits 1 when a check fails.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import corpora  # noqa: E402

from djvet.checker import check_files, collect_files  # noqa: E402
from djvet.core.config import load_config  # noqa: E402
from djvet.core.document import error_nodes, parse_python  # noqa: E402
from djvet.core.model import Diagnostic  # noqa: E402
from djvet.project.index import ProjectIndex  # noqa: E402

DJVET = [
    sys.executable,
    "-m",
    "djvet",
    "check",
    ".",
    "--no-cache",
    "--exit-zero",
    "--no-progress",
]


class _RuleFailures(logging.Handler):
    """Rules that raised (the engine logs them and goes on): a failure of this run too."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "failed on" in record.getMessage():
            self.messages.append(record.getMessage())


FAILURES = _RuleFailures()
logging.getLogger("djvet").addHandler(FAILURES)


def findings(root: Path) -> list[Diagnostic]:
    """What `djvet check` reports (in-process, to see each fix's `reveals`)."""
    logging.disable(logging.WARNING)
    project = ProjectIndex(root, load_config(root))
    return check_files(project, collect_files(project, [str(root)]), jobs=1).diagnostics


def per_file_code(found: list[Diagnostic]) -> Counter[tuple[str, str]]:
    return Counter((f.path, f.code) for f in found)


def changed_files(original: Path, copy: Path) -> list[Path]:
    changed = []
    for path in copy.rglob("*"):
        if path.is_file() and ".djvet_cache" not in path.parts:
            before = original / path.relative_to(copy)
            if not before.exists() or before.read_bytes() != path.read_bytes():
                changed.append(path)
    return changed


def check_corpus(corpus: Path) -> list[str]:
    problems: list[str] = []
    FAILURES.messages.clear()
    with tempfile.TemporaryDirectory(prefix="djvet-fixall-") as folder:
        copy = Path(folder) / corpus.name
        shutil.copytree(
            corpus,
            copy,
            ignore=shutil.ignore_patterns(".git", ".djvet_cache", "node_modules"),
        )
        before = findings(copy)
        revealed = {code for f in before for code in f.extra.get("reveals", ())}
        subprocess.run(
            [*DJVET, "--fix", "--unsafe-fixes"],
            cwd=copy,
            capture_output=True,
            check=True,
        )
        after = findings(copy)
        changed = changed_files(corpus, copy)
        for path in changed:
            if path.suffix != ".py":
                continue
            old = error_nodes(
                parse_python(
                    (corpus / path.relative_to(copy)).read_text(encoding="utf-8")
                )
            )
            new = error_nodes(parse_python(path.read_text(encoding="utf-8")))
            if new > old:
                problems.append(
                    f"{corpus.name}/{path.relative_to(copy)}: the fixes broke the syntax"
                )
        old_counts, new_counts = per_file_code(before), per_file_code(after)
        for (filename, code), count in sorted(new_counts.items()):
            if count > old_counts[(filename, code)] and code not in revealed:
                problems.append(
                    f"{corpus.name}/{Path(filename).relative_to(copy)}: {code} went from {old_counts[(filename, code)]} "
                    f"to {count} after the fixes"
                )
    problems.extend(f"{corpus.name}: {message}" for message in FAILURES.messages)
    by_code_before = Counter(f.code for f in before)
    by_code_after = Counter(f.code for f in after)
    fixed = {
        code: by_code_before[code] - by_code_after[code]
        for code in by_code_before
        if by_code_before[code] > by_code_after[code]
    }
    print(
        f"{corpus.name}: {len(before)} findings before, {len(after)} after; {len(changed)} files changed; "
        f"cleared per rule: {', '.join(f'{c} {n}' for c, n in sorted(fixed.items())) or 'none'}"
    )
    for problem in problems:
        print(f"  PROBLEM {problem}")
    return problems


def main(names: list[str]) -> int:
    found = [c for c in corpora() if not names or c.name in names]
    if not found:
        print("no corpora found (set DJVET_BENCH_CORPORA)")
        return 0
    problems = [p for corpus in found for p in check_corpus(corpus)]
    print(f"{len(found)} projects, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
