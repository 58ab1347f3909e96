"""pandoc for many pages in few processes: the Markdown -> typst and Markdown -> DOCX steps of a build, run before the
conversions by one long-lived pandoc per core, each reading a list of pages and writing every result.

Why: a pandoc process per page and format costs its start-up and runtime initialisation every time. Measured on the
reference set (117 pages, both formats): 8.0 s of pandoc as 234 processes, 4.8 s as one. The bundled pandoc cannot
run as a server (`pandoc server` needs the threaded runtime it is not built with), so the long-lived form is
`pandoc lua` with a script that reads and writes each page itself.

The results are files under the cache folder, named by the hash of the request; a conversion that finds its result
there uses it, and one that does not (a single page converted outside a build) runs the same script for that page
alone, so both paths give the same bytes.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pypandoc

from generator.base.errors import ConversionError
from generator.publish.export.common import run_pandoc

VERSION = "1"   # bump when SCRIPT changes what it writes
FOLDER = "pandoc"
# Markdown per pandoc process: start-up is paid once per batch, and a batch stays well inside common.TIMEOUT (pandoc
# reads and writes both formats at about 0.5 MB of Markdown a second here: a batch takes about 2 s)
BYTES_PER_PROCESS = 1_000_000

# stdin: a JSON list of {text, from, to, shift, reference, resources}. For each request, in order, stdout gets "OK" or
# "ERR", the length in bytes, a newline and the bytes (the output, or pandoc's error message): one page that fails
# does not fail the others.
SCRIPT = r"""
local requests = pandoc.json.decode(io.read("a"), false)
local function convert(r)
  local doc = pandoc.read(r.text, r.from)
  if r.shift ~= 0 then
    doc = doc:walk{Header = function(h) h.level = h.level + r.shift; return h end}
  end
  local options = {}
  if r.reference ~= "" then options.reference_doc = r.reference end
  if r.resources ~= "" then
    return pandoc.system.with_working_directory(r.resources, function()
      return pandoc.write(doc, r.to, options)
    end)
  end
  return pandoc.write(doc, r.to, options)
end
for _, r in ipairs(requests) do
  local ok, out = pcall(convert, r)
  if not ok then out = tostring(out) end
  io.write(ok and "OK" or "ERR", #out, "\n", out)
end
"""


@dataclass(frozen=True)
class Request:
    """One pandoc conversion of Markdown: to a format, headings shifted down by `shift`, with a reference document
    (DOCX) and a folder its relative image paths are read from."""
    text: str
    to: str
    shift: int = 0
    reference: str = ""
    resources: str = ""
    source: str = "markdown"   # the pandoc format `text` is in

    @functools.cached_property
    def key(self) -> str:
        digest = hashlib.sha256(f"{VERSION}\0{_pandoc_version()}\0{self.source}\0{self.to}\0{self.shift}\0".encode())
        for part in (self.reference, self.resources, self.text):
            digest.update(part.encode("utf-8") + b"\0")
        if self.reference:   # the reference document's content, not only its name (pandoc reports a missing one)
            digest.update(_content_digest(self.reference).encode())
        return digest.hexdigest()


@functools.cache
def _pandoc_version() -> str:
    return pypandoc.get_pandoc_version()


def _content_digest(path: str) -> str:
    """A file's SHA-256, read once for each version of it: every DOCX request names the same reference document."""
    try:
        info = os.stat(path)
    except OSError:
        return "missing"
    return _digest_of(path, info.st_size, info.st_mtime_ns)


@functools.cache
def _digest_of(path: str, size: int, modified: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def run(requests: list[Request]) -> list[bytes | ConversionError]:
    """Every request's output (or its error), converted by one pandoc process."""
    if not requests:
        return []
    payload = json.dumps([{"text": r.text, "from": r.source, "to": r.to, "shift": r.shift, "reference": r.reference,
                           "resources": r.resources} for r in requests]).encode("utf-8")
    raw = run_pandoc(["lua", "-e", SCRIPT], payload)
    results: list[bytes | ConversionError] = []
    at = 0
    while at < len(raw):
        ok = raw.startswith(b"OK", at)
        at += 2 if ok else 3
        end = raw.index(b"\n", at)
        size = int(raw[at:end])
        out = raw[end + 1:end + 1 + size]
        results.append(out if ok else ConversionError("pandoc: " + out.decode("utf-8", "replace").strip()))
        at = end + 1 + size
    if len(results) != len(requests):
        raise ConversionError(f"pandoc converted {len(results)} of {len(requests)} pages")
    return results


class Batches:
    """pandoc batches under way (`start`): `wait` returns once every one has ended."""

    def __init__(self, pool: ThreadPoolExecutor | None, running: list[Future]) -> None:
        self.pool, self.running = pool, running

    def wait(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()   # every batch ended, even when one failed, before any failure is raised
        for future in self.running:
            future.result()


def precompute(requests: list[Request], cache_dir: Path, workers: int | None = None) -> None:
    """`start`, and wait for the batches to end."""
    start(requests, cache_dir, workers).wait()


def start(requests: list[Request], cache_dir: Path, workers: int | None = None) -> Batches:
    """Start converting every request not yet in the cache, one pandoc per core at a time, each result written to its
    file. A failed batch leaves its pages to be converted one by one, where the failure is reported against the
    page."""
    folder = cache_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    missing = {r.key: r for r in requests if not (folder / r.key).exists()}
    if not missing:
        return Batches(None, [])
    workers = workers or os.cpu_count() or 1
    chunks = balanced(list(missing.values()), workers)

    def convert(chunk: list[Request]) -> None:
        try:
            results = run(chunk)
        except ConversionError:
            return
        for request, result in zip(chunk, results):
            if isinstance(result, bytes):
                _write(folder / request.key, result)

    pool = ThreadPoolExecutor(max(1, min(workers, len(chunks))))
    return Batches(pool, [pool.submit(convert, chunk) for chunk in chunks])


def balanced(requests: list[Request], workers: int) -> list[list[Request]]:
    """The requests in batches of about equal size, a multiple of `workers` of them, none much over
    BYTES_PER_PROCESS: every core works until the end, with no batch left running alone (the largest page placed
    first, each next one in the batch with least so far)."""
    size = sum(len(r.text) for r in requests)
    count = -(-max(1, -(-size // BYTES_PER_PROCESS)) // workers) * workers
    chunks: list[list[Request]] = [[] for _ in range(min(count, len(requests)))]
    loads = [0] * len(chunks)
    for request in sorted(requests, key=lambda r: -len(r.text)):
        least = loads.index(min(loads))
        chunks[least].append(request)
        loads[least] += len(request.text)
    return chunks


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all, but not synced to disk: a result lives for one run (`clear` removes what a crashed run
    left), and a sync per page would cost more than the batch saves."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def converted(request: Request, cache_dir: Path) -> bytes:
    """The request's output: from the cache when a batch made it, else converted now by the same script."""
    path = cache_dir / FOLDER / request.key
    try:
        return path.read_bytes()
    except OSError:
        pass
    result = run([request])[0]
    if isinstance(result, ConversionError):
        raise result
    return result


def clear(cache_dir: Path) -> None:
    """Remove the batch results (before a run: what a crashed one left; after: the outputs themselves are cached)."""
    folder = cache_dir / FOLDER
    if folder.is_dir():
        for path in folder.iterdir():
            path.unlink(missing_ok=True)
