"""Edit → diagnostics latency through the real `djvet server` (push mode).

For each module: open it, then append a comment line N times; each time measure from
`didChange` to the `publishDiagnostics` of that version (the server debounces by
150 ms; the debounce is reported separately and subtracted). Also the server's peak
resident memory (Linux `VmHWM`) once it has indexed the project and served the edits.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

DEBOUNCE = 0.150


def _peak_megabytes(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # not Linux
        return float("nan")
    kilobytes = next(
        (
            int(line.split()[1])
            for line in status.splitlines()
            if line.startswith("VmHWM:")
        ),
        0,
    )
    return kilobytes / 1024


async def _latencies(
    root: Path, module: Path, edits: int, wait_verified: bool = True
) -> tuple[list[float], float]:
    client = LanguageClient("djvet-bench", "1")
    published: dict[int, float] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: lsp.PublishDiagnosticsParams) -> None:
        if params.version is not None and not any(
            d.data and isinstance(d.data, dict) and d.data.get("fixPending")
            for d in params.diagnostics
        ):
            published.setdefault(params.version, time.perf_counter())
        elif params.version is not None:
            published.setdefault(-params.version, time.perf_counter())

    await client.start_io(sys.executable, "-m", "djvet", "server")
    await client.initialize_async(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=root.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        )
    )
    client.initialized(lsp.InitializedParams())
    uri, text = module.as_uri(), module.read_text(encoding="utf-8")
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(
            text_document=lsp.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=text
            )
        )
    )
    await _wait(published, 1, 120)
    samples = []
    for version in range(2, edits + 2):
        text += f"# edit {version}\n"
        started = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                text_document=lsp.VersionedTextDocumentIdentifier(
                    uri=uri, version=version
                ),
                content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        await _wait(published, -version, 180, also=version)
        first = published.get(-version, published.get(version))
        samples.append(first - started - DEBOUNCE)
        if wait_verified:
            await _wait(published, version, 180)
        # else: the next keystroke comes while this version's fixes are being verified
    peak = _peak_megabytes(client._server.pid) if client._server else float("nan")
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return samples, peak


async def _wait(
    published: dict[int, float], key: int, timeout: float, also: int | None = None
) -> None:
    deadline = time.perf_counter() + timeout
    while key not in published and (also is None or also not in published):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"no diagnostics for version {abs(key)}")
        await asyncio.sleep(0.005)


def measure(
    root: Path, module: Path, edits: int = 20, wait_verified: bool = True
) -> dict[str, float]:
    samples, peak = asyncio.run(_latencies(root, module, edits, wait_verified))
    ordered = sorted(samples)
    return {
        "p50": statistics.median(samples),
        "p95": ordered[max(0, int(len(ordered) * 0.95) - 1)],
        "lines": module.read_text(encoding="utf-8").count("\n"),
        "peak_mb": peak,
    }
