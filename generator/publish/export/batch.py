"""pandoc for many pages in few processes: the Markdown -> typst and Markdown -> DOCX steps of a build, run before the
conversions by one long-lived pandoc per core, each reading a list of pages and writing every result.

Why: a pandoc process per page and format costs its start-up and runtime initialisation every time. Measured on the
reference set (117 pages, both formats): 8.0 s of pandoc as 234 processes, 4.8 s as one. The bundled pandoc cannot
run as a server (`pandoc server` needs the threaded runtime it is not built with), so the long-lived form is
`pandoc lua` with a script that reads and writes each page itself.

Each page is read once for both formats where it can be (`share_reading`): reading the Markdown is most of pandoc's
time, and a page's DOCX and typst texts differ only in its figure links unless a table goes on landscape pages in the
PDF. The typst output is then written from the DOCX request's reading with those links made absolute, and checked:
unless exactly the page's figure links were changed, the typst text is read itself (tested: the same bytes as two
readings, on whole sets). Reference set: 5.6 s of pandoc -> 4.7 s.

The results are files under the cache folder, named by the hash of the request; a conversion that finds its result
there uses it, and one that does not (a single page converted outside a build) runs the same script for that page
alone, so both paths give the same bytes.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pypandoc

from generator.base.errors import ConversionError
from generator.base.files import digest
from generator.publish.export.common import run_pandoc

VERSION = "1"   # bump when SCRIPT changes what it writes
# a figure link as print_markdown writes it for DOCX (relative) and typst (absolute, from the docs folder)
FIGURE_LINK = re.compile(r"\]\(figures/([^)\s]+)\)")
FOLDER = "pandoc"
# Markdown per pandoc process: start-up is paid once per batch, and a batch stays well inside common.TIMEOUT (pandoc
# reads and writes both formats at about 0.5 MB of Markdown a second here: a batch takes about 2 s)
BYTES_PER_PROCESS = 1_000_000

# stdin: a JSON list of {text, from, to, shift, reference, resources}. For each request, in order, stdout gets "OK" or
# "ERR", the length in bytes, a newline and the bytes (the output, or pandoc's error message): one page that fails
# does not fail the others.
SCRIPT = r"""
local requests = pandoc.json.decode(io.read("a"), false)
local kept = {}
-- the typst request of a page whose DOCX request was just read: the same document, its figure links made absolute
local function retargeted(r)
  local doc, done = kept[r.reuse], {}
  kept[r.reuse] = nil
  local function absolute(target)
    if target:sub(1, 8) == "figures/" then table.insert(done, target:sub(9)); return "/" .. target end
    return target
  end
  doc = doc:walk{Image = function(i) i.src = absolute(i.src); return i end,
                 Link = function(l) l.target = absolute(l.target); return l end}
  -- each figure link of the text, and nothing else, became a link or image target: else read the text itself
  table.sort(done)
  if #done ~= #r.retarget then return nil end
  for n, name in ipairs(done) do
    if name ~= r.retarget[n] then return nil end
  end
  return doc
end
local function convert(r)
  local doc = r.reuse ~= "" and kept[r.reuse] and retargeted(r) or pandoc.read(r.text, r.from)
  if r.keep ~= "" then kept[r.keep] = doc end
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
    # reading a page once for two formats (`share_reading`): `keep` names this request's parsed document for a later
    # request of the same batch; that one's `reuse` names it, and `retarget` lists (sorted) the figures whose links
    # its own text makes absolute. Not part of the key: the output is the same bytes either way.
    keep: str = field(default="", compare=False)
    reuse: str = field(default="", compare=False)
    retarget: tuple[str, ...] = field(default=(), compare=False)

    @functools.cached_property
    def key(self) -> str:
        hasher = hashlib.sha256(f"{VERSION}\0{_pandoc_version()}\0{self.source}\0{self.to}\0{self.shift}\0".encode())
        for part in (self.reference, self.resources, self.text):
            hasher.update(part.encode("utf-8") + b"\0")
        if self.reference:   # the reference document's content, not only its name (pandoc reports a missing one)
            hasher.update(_content_digest(self.reference).encode())
        return hasher.hexdigest()


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
    return digest(Path(path))[0]


def run(requests: list[Request]) -> list[bytes | ConversionError]:
    """Every request's output (or its error), converted by one pandoc process."""
    if not requests:
        return []
    payload = json.dumps([{"text": r.text, "from": r.source, "to": r.to, "shift": r.shift, "reference": r.reference,
                           "resources": r.resources, "keep": r.keep, "reuse": r.reuse, "retarget": r.retarget}
                          for r in requests]).encode("utf-8")
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


def share_reading(requests: list[Request]) -> list[list[Request]]:
    """The requests in units a batch runs together: a page's DOCX request and its typst one, when their texts
    differ only in the figure links (`](figures/X)` and `](/figures/X)`, print_markdown), share one reading of the
    Markdown (reading is most of pandoc's time); every other request is a unit of its own. A page with a table set
    on landscape pages in the PDF has other table widths there (tables.py), so it is read once for each."""
    typst = {r.text: r for r in requests if r.to == "typst" and r.source == "markdown"}
    units: list[list[Request]] = []
    paired: set[str] = set()
    for request in requests:
        if request.key in paired:
            continue
        twin = typst.get(_absolute_figures(request.text)) if request.to == "docx" and request.source == "markdown" \
            else None
        links = sorted(FIGURE_LINK.findall(request.text)) if twin is not None else []
        # every "figures/" of the text is in a figure link, so each can be told from any other mention of the folder
        if twin is None or twin.key in paired or request.text.count("figures/") != len(links):
            units.append([request])
            continue
        paired.update((request.key, twin.key))
        units.append([replace(request, keep=request.key), replace(twin, reuse=request.key, retarget=tuple(links))])
    return units


def _absolute_figures(text: str) -> str:
    return FIGURE_LINK.sub(lambda m: f"](/figures/{m.group(1)})", text)


def balanced(requests: list[Request], workers: int) -> list[list[Request]]:
    """The requests in batches of about equal size, a multiple of `workers` of them, none much over
    BYTES_PER_PROCESS: every core works until the end, with no batch left running alone (the largest page placed
    first, each next one in the batch with least so far). A page read once for two formats (share_reading) stays
    in one batch, its requests in order."""
    units = share_reading(requests)
    size = sum(len(r.text) for r in requests)
    count = -(-max(1, -(-size // BYTES_PER_PROCESS)) // workers) * workers
    chunks: list[list[Request]] = [[] for _ in range(min(count, len(units)))]
    loads = [0] * len(chunks)
    for unit in sorted(units, key=lambda u: -len(u[0].text)):
        least = loads.index(min(loads))
        chunks[least].extend(unit)
        loads[least] += sum(len(r.text) for r in unit)
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
