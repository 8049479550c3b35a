"""The work the server hands to its analysis thread: checking, fix-all, suppressions.

Everything here is plain functions over a `ProjectIndex` and texts, run off the event
loop by `DjvetServer.run`. Nothing here touches the connection to the client.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from lsprotocol import types as lsp
from pygls.workspace import PositionCodec

from djvet.core.document import Document, language_for_path
from djvet.core.edits import OverlappingEditsError, apply_to_files, group_by_path
from djvet.core.model import Applicability, Diagnostic, Edit, Span
from djvet.core.roles import FileRole
from djvet.engine import check_document, verify_fix
from djvet.lsp.convert import Converter, to_range
from djvet.project.index import ProjectIndex

log = logging.getLogger(__name__)
MAX_FIX_PASSES = 10  # as ruff and `djvet check --fix`
# Files other documents' findings depend on (templates' N+1 findings on their views, and
# views' on their templates: DJV105).
FACT_ROLES = FileRole.SETTINGS | FileRole.MODELS | FileRole.VIEWS | FileRole.TEMPLATES


@dataclass(frozen=True)
class Snapshot:
    """One version of one open document, and what converting its findings needs."""

    uri: str
    path: str
    text: str
    version: int | None
    codec: PositionCodec
    versions: Mapping[str, int | None]  # path -> version of every open document


@dataclass(frozen=True)
class Analysis:
    """The findings of one version of one document, converted for the client."""

    snapshot: Snapshot
    findings: tuple[Diagnostic, ...]
    diagnostics: tuple[lsp.Diagnostic, ...]
    result_id: str
    verified: bool  # fixes checked by the engine; unverified fixes are not sent
    # the project's generation it was computed at (any file change bumps it)
    generation: int
    # findings per code of the whole check (other files' too), the count a fix must
    # lower: verifying the fixes at the same generation need not check again
    counts: Counter[str] = field(default_factory=Counter, compare=False)

    @property
    def uri(self) -> str:
        return self.snapshot.uri

    @property
    def version(self) -> int | None:
        return self.snapshot.version

    @property
    def has_safe_fix(self) -> bool:
        return any(
            f.fix and f.fix.applicability >= Applicability.SAFE for f in self.findings
        )

    @property
    def needs_verification(self) -> bool:
        return not self.verified and any(f.fix and f.fix.edits for f in self.findings)


def analyse(
    project: ProjectIndex,
    snapshot: Snapshot,
    *,
    verify: bool = True,
    previous: Analysis | None = None,
) -> Analysis:
    """Check a snapshot. Without `verify`, findings come fast and carry no fix yet.

    `previous` is reused when nothing changed since (same version, no file changed in
    the project): editors pull again on focus and on every save.
    """
    if (
        previous is not None
        and previous.version == snapshot.version
        and previous.generation == project.generation
        and (previous.verified or not verify)
    ):
        return previous
    findings: tuple[Diagnostic, ...] = ()
    counts: Counter[str] = Counter()
    # an editor may attach djvet anywhere
    if language_for_path(snapshot.path) is not None:
        # An open buffer (it has a version) is re-parsed from its previous tree: 2-30 ms
        # instead of 300-500 ms for a 5,000-line module. The analysis thread is the only
        # user of these trees, one version after the other.
        document = Document.for_path(
            snapshot.path,
            snapshot.text,
            version=snapshot.version,
            incremental=snapshot.version is not None,
        )
        found = check_document(document, project, verify_fixes=False)
        counts = Counter(d.code for d in found)
        findings = tuple(f for f in found if os.path.abspath(f.path) == snapshot.path)
        if verify:
            findings = _verified(project, document, findings, counts)
    return _converted(project, snapshot, findings, counts, verified=verify)


def verify(
    project: ProjectIndex,
    analysis: Analysis,
    stale: Callable[[], bool] | None = None,
) -> Analysis | None:
    """The second half of `analyse(verify=False)`: keep only the fixes that hold up.

    None when `stale()` turns true between two fixes (the document changed: the next
    keystroke's check must not wait for the rest; each fix re-checks the file, in a
    fork of the project for a models module).
    """
    snapshot = analysis.snapshot
    document = Document.for_path(snapshot.path, snapshot.text, version=snapshot.version)
    counts = (
        analysis.counts
        if analysis.generation == project.generation
        else Counter(
            d.code for d in check_document(document, project, verify_fixes=False)
        )
    )
    findings = _verified(project, document, analysis.findings, counts, stale)
    if findings is None:
        return None
    return _converted(project, snapshot, findings, counts, verified=True)


def _verified(
    project: ProjectIndex,
    document: Document,
    findings: tuple[Diagnostic, ...],
    before: Counter[str],
    stale: Callable[[], bool] | None = None,
) -> tuple[Diagnostic, ...] | None:
    """The findings, less the fixes that do not hold up (`before`: the findings per
    code of the document's whole check); None once `stale()`."""
    result = []
    for finding in findings:
        if finding.fix and finding.fix.edits:
            if stale is not None and stale():
                log.debug("verification of %s stopped: a newer version", document.path)
                return None
            problem = verify_fix(
                finding,
                document,
                project,
                project.config,
                before=before,
                keep_trees=False,
            )
            if problem is not None:
                log.info(
                    "dropped fix for %s at %s:%d: %s",
                    finding.code,
                    document.path,
                    finding.span.start_line + 1,
                    problem,
                )
                finding = finding.replace(fix=None)
        result.append(finding)
    return tuple(result)


def _converted(
    project: ProjectIndex,
    snapshot: Snapshot,
    findings: tuple[Diagnostic, ...],
    counts: Counter[str],
    *,
    verified: bool,
) -> Analysis:
    converter = Converter(snapshot.codec, project.read, snapshot.versions)
    converter.prime(snapshot.path, snapshot.text)
    diagnostics = tuple(converter.diagnostic(f, with_fix=verified) for f in findings)
    return Analysis(
        snapshot,
        findings,
        diagnostics,
        _result_id(diagnostics),
        verified,
        project.generation,
        counts,
    )


def _result_id(diagnostics: Iterable[lsp.Diagnostic]) -> str:
    """Equal ids mean equal reports, so a pull client can be told "unchanged"."""
    payload = json.dumps(
        [
            [
                d.code,
                d.message,
                d.severity,
                d.tags,
                str(d.range),
                d.data,
                str(d.related_information),
            ]
            for d in diagnostics
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


def feeds_facts(project: ProjectIndex, path: str, text: str | None) -> bool:
    """Whether a change to this file can change other documents' findings."""
    return bool(project.roles(path, text) & FACT_ROLES)


# -- fix-all -----------------------------------------------------------------------------
def fix_all(project: ProjectIndex, path: str, text: str) -> dict[str, tuple[str, str]]:
    """Apply SAFE fixes in memory until none is left; path -> (before, after) per changed file."""
    original: dict[str, str] = {path: text}
    texts = dict(original)
    for _ in range(MAX_FIX_PASSES):
        scratch = project.fork(texts)  # facts (settings, models) see the fixed texts
        findings = check_document(Document.for_path(path, texts[path]), scratch)
        fixes = [
            f for f in findings if f.fix and f.fix.applicability >= Applicability.SAFE
        ]
        if not fixes or not _apply_batch(scratch, texts, original, fixes, path):
            break
    else:
        log.warning(
            "fix-all on %s did not converge after %d passes", path, MAX_FIX_PASSES
        )
    return {p: (original[p], t) for p, t in texts.items() if t != original[p]}


def _apply_batch(
    project: ProjectIndex,
    texts: dict[str, str],
    original: dict[str, str],
    fixes: list[Diagnostic],
    own: str,
) -> bool:
    """Apply the fixes that do not overlap each other; the rest wait for the next pass."""
    edits: list[Edit] = []
    for finding in fixes:
        candidate = [*edits, *finding.fix.edits]
        try:
            current = _texts_for(project, texts, candidate, own)
            apply_to_files(current, candidate, own)
        except (OverlappingEditsError, OSError):
            continue
        edits = candidate
    if not edits:
        return False
    current = _texts_for(project, texts, edits, own)
    for changed_path, new_text in apply_to_files(current, edits, own).items():
        original.setdefault(changed_path, current[changed_path])
        texts[changed_path] = new_text
    return True


def _texts_for(
    project: ProjectIndex, texts: dict[str, str], edits: list[Edit], own: str
) -> dict[str, str]:
    result = {}
    for path in group_by_path(edits, own):
        path = os.path.abspath(path)
        text = texts.get(path, project.read(path))
        if text is None:
            raise OSError(f"cannot read {path}")
        result[path] = text
    return result


def minimal_edit(before: str, after: str, codec: PositionCodec) -> lsp.TextEdit:
    """One edit replacing only the changed middle, so the editor keeps cursor and folds."""
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    document = Document(path="", text=before)
    first, last = document.position(start), document.position(len(before) - end)
    span = Span(first.line, first.column, last.line, last.column)
    return lsp.TextEdit(
        range=to_range(document.lines, span, codec),
        new_text=after[start : len(after) - end],
    )
