"""`make bench`: djvet's speed, measured side by side with a baseline in the same run.

These machines are shared and noisy, so every number comes with a baseline measured in
the same run (parso parsing the same text; ruff on the same files) and budgets are
checked on ratios or on generous absolute limits. Real projects are looked for in
$DJVET_BENCH_CORPORA (default: ../corpora and /work/corpora); the parts that need
them are skipped with a message when none is there.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import project_check  # noqa: E402

from djvet.core.config import Config, load_config  # noqa: E402
from djvet.core.document import parse_python  # noqa: E402
from djvet.project.index import ProjectIndex  # noqa: E402
from djvet.project.models import model_graph  # noqa: E402
from djvet.project.nplusone import analyse  # noqa: E402

LIBRARY = ROOT / "tests" / "rules" / "projects" / "library"
RESULTS: list[tuple[str, bool, str]] = []


def timed(function, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def p95(samples: list[float]) -> float:
    return sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]


def budget(name: str, ok: bool, detail: str) -> None:
    RESULTS.append((name, ok, detail))
    print(f"  [{'PASS' if ok else 'FAIL'}] {name}: {detail}")


# -- 1. N+1 analysis of a 1,000-line module ------------------------------------------
def thousand_line_module() -> str:
    blocks = ["from library.models import Author, Book, Chapter\n\n"]
    patterns = [
        "def view_{n}(request):\n    rows = []\n    for book in Book.objects.filter(is_published=True):\n"
        "        rows.append((book.title, book.author.name, book.publisher.name))\n    return rows\n\n\n",
        "def counts_{n}():\n    return {{a.name: a.books.count() for a in Author.objects.all()}}\n\n\n",
        "def editors_{n}():\n    names = []\n    for b in Book.objects.prefetch_related('chapters'):\n"
        "        for c in b.chapters.all():\n            names.append(c.editor.name)\n    return names\n\n\n",
        "def plain_{n}(items):\n    total = 0\n    for item in items:\n        total += len(str(item))\n"
        "    return total\n\n\n",
    ]
    n = 0
    while sum(block.count("\n") for block in blocks) < 1000:
        blocks.append(patterns[n % len(patterns)].format(n=n))
        n += 1
    return "".join(blocks)


def bench_analysis() -> None:
    print("N+1 analysis of a 1,000-line module (warm)")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        shutil.copytree(LIBRARY, root, dirs_exist_ok=True)
        for package in ("mysite", "library"):
            (root / package / "__init__.py").touch()
        text = thousand_line_module()
        path = root / "library" / "views.py"
        path.write_text(text)
        project = ProjectIndex(root, Config(root=root))
        model_graph(project)
        tree = parse_python(text)
        analyse(project, str(path), tree)  # warm-up: graph, module map, caches
        trees: list[object] = []
        # Each round times a parse, then the analysis of that fresh tree alone (caches
        # keyed by tree must not help; subtracting parse times measured apart was noise).
        parse, only = [], []
        for _ in range(15):
            parse.extend(timed(lambda: trees.append(parse_python(text)), 1))
            fresh = trees.pop()
            only.extend(timed(lambda: analyse(project, str(path), fresh), 1))  # noqa: B023
        lines = text.count("\n")
        found = len(analyse(project, str(path), tree).accesses)
        print(f"  {lines} lines, {found} accesses found")
        print(
            f"  parse p50 {statistics.median(parse) * 1000:.1f} ms; analysis of the parsed "
            f"tree p50 {statistics.median(only) * 1000:.1f} ms, p95 {p95(only) * 1000:.1f} ms"
        )
        median_only = statistics.median(only)
        budget(
            "N+1 analysis of 1,000 lines <= 30 ms (p50, parse excluded)",
            median_only <= 0.030,
            f"{median_only * 1000:.1f} ms ({median_only / statistics.median(parse):.2f}x parso's parse)",
        )


# -- 2. Model graph of a large project ---------------------------------------------------
def corpora() -> list[Path]:
    places = [
        os.environ.get("DJVET_BENCH_CORPORA", ""),
        str(ROOT.parent / "corpora"),
        "/work/corpora",
    ]
    for place in places:
        if place and Path(place).is_dir():
            return sorted(
                p
                for p in Path(place).iterdir()
                if p.is_dir() and not p.name.startswith(".")  # .ruff_cache
            )
    return []


def bench_model_graph(corpus: Path) -> None:
    import logging

    import djvet.project.models as models_module

    # missing third-party apps: said once above
    logging.getLogger("djvet").setLevel(logging.ERROR)

    print(f"Model graph of {corpus.name}")
    config = load_config(corpus)

    def cold() -> object:
        models_module._FILES.clear()  # the per-file facts cache: a truly cold build
        return model_graph(ProjectIndex(corpus, config))

    cold_times = timed(cold, 3)
    project = ProjectIndex(corpus, config)
    graph = model_graph(project)
    models_file = next(
        (info.path for info in graph.models.values() if str(corpus) in info.path), None
    )
    kept_times, rebuilt_times = [], []
    if models_file:
        text = project.read(models_file) or ""
        for n in range(5):
            # typing a comment moves no class, field or manager: the graph is re-bound
            project.set_overlay(models_file, text + f"\n# edit {n}\n")
            kept_times.append(timed(lambda: model_graph(project), 1)[0])
            # a new class does: the graph is rebuilt (the edited file re-read)
            project.set_overlay(models_file, text + f"\nclass Edit{n}:\n    pass\n")
            rebuilt_times.append(timed(lambda: model_graph(project), 1)[0])
    print(
        f"  {len(graph.models)} models; cold build p50 {statistics.median(cold_times):.2f} s; "
        f"after a models edit p50 {statistics.median(kept_times or [0]) * 1000:.0f} ms "
        f"(no class, field or manager moved; "
        f"{statistics.median(rebuilt_times or [0]) * 1000:.0f} ms when one did)"
    )
    budget(
        f"{corpus.name}: model graph cold build <= 2 s",
        statistics.median(cold_times) <= 2.0,
        f"{statistics.median(cold_times):.2f} s",
    )


# -- 3. djvet check beside ruff on the same files ------------------------------------------
def bench_check(corpus: Path) -> None:
    print(f"djvet check vs ruff --select DJ on {corpus.name}")
    djvet = [
        sys.executable,
        "-m",
        "djvet",
        "check",
        ".",
        "--exit-zero",
        "--output-format",
        "json",
        "--no-progress",
    ]
    ruff = [
        str(Path(sys.executable).parent / "ruff"),
        "check",
        "--isolated",
        "--no-cache",
        "--select",
        "DJ",
        "--exit-zero",
        "--output-format",
        "json",
        ".",
    ]
    timings = {}
    for name, command in (("ruff", ruff), ("djvet", djvet)):
        started = time.perf_counter()
        subprocess.run(command, cwd=corpus, capture_output=True, check=False)
        timings[name] = time.perf_counter() - started
    print(
        f"  ruff {timings['ruff']:.2f} s, djvet {timings['djvet']:.2f} s "
        f"(djvet/ruff = {timings['djvet'] / max(timings['ruff'], 1e-6):.0f}x)"
    )


def bench_server(corpus: Path) -> None:
    from lsp_latency import measure

    print(
        f"Edit -> diagnostics through `djvet server` on {corpus.name} (debounce excluded)"
    )
    modules = [
        ("~200", "netbox/ipam/models/asns.py", None),
        ("~1,000", "netbox/extras/models/models.py", 0.100),
        ("~5,000", "netbox/dcim/views.py", 0.250),
    ]
    for label, relative, limit in modules:
        module = corpus / relative
        if not module.exists():
            continue
        numbers = measure(corpus, module)
        print(
            f"  {label} lines ({numbers['lines']:.0f}): p50 {numbers['p50'] * 1000:.0f} ms, "
            f"p95 {numbers['p95'] * 1000:.0f} ms; server peak memory {numbers['peak_mb']:.0f} MB"
        )
        if limit is not None:
            budget(
                f"edit -> diagnostics p95 <= {limit * 1000:.0f} ms for {label} lines",
                numbers["p95"] <= limit,
                f"{numbers['p95'] * 1000:.0f} ms",
            )
    # Typing on: each edit right after the previous version's findings, while their
    # fixes are being verified (the server stops verifying at the next fix).
    module = corpus / "netbox/extras/models/models.py"
    if module.exists():
        numbers = measure(corpus, module, wait_verified=False)
        print(
            f"  ~1,000 lines, typing on while fixes are verified: p50 "
            f"{numbers['p50'] * 1000:.0f} ms, p95 {numbers['p95'] * 1000:.0f} ms"
        )


def main() -> int:
    bench_analysis()
    found = corpora()
    for corpus in found:
        if corpus.name == "netbox":
            bench_server(corpus)
    if not found:
        print(
            "No corpora found (set DJVET_BENCH_CORPORA to a folder of checked-out Django projects);"
            " skipping the project benchmarks."
        )
    for corpus in found:
        if corpus.name in ("netbox", "saleor"):
            bench_model_graph(corpus)
    for corpus in found:
        if corpus.name in ("healthchecks", "babybuddy"):
            bench_check(corpus)
    for corpus in found:
        if corpus.name == "netbox":
            print(
                "djvet check on netbox beside pylint-django and ruff (a scratch copy)"
            )
            project_check.compare(corpus, "netbox", "ipam", budget)
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"\n{len(RESULTS) - len(failed)} budgets met, {len(failed)} missed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
