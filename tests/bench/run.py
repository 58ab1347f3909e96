"""`make bench`: build times of smsgen against the floor of its own toolchain, at about 100 and 1000 documents.

Prints, for each size: cold full build (site, DOCX, PDF), no-change rebuild, one-document-change rebuild (how
many outputs it reconverted, how many pages of the site it rendered, and its phases), peak memory of the whole
process tree, and the floor: `mkdocs build` alone plus the raw pandoc -> DOCX and pandoc -> typst -> PDF
conversions of the same Markdown on the same cores. Ratios, measured in one run, are what to compare: the machine is
shared and absolute times are noisy.

Then, on the same workspace: a `serve` round trip (a site renamed in data/sites.yml, found by serve's scan and rebuilt
through serve's own `rebuild`, in a child process warmed by serve's first build), every document submitted and
approved (as tests/conftest.py's `approve_everything`, with SMSGEN_NOW pinned), `build --controlled` and
`pack stage1 --out FILE`; and, on a fresh copy, a cold `build --all` with the packs. Each with its peak memory. Last,
every target of the performance issue with met / NOT MET, then the results as one JSON line.

`--sizes ~100` (or `--sizes 100,1000`) runs only the sets named; the ~1000 set takes several minutes per build.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypandoc
import typst
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.bench.synthetic import make  # noqa: E402

SMSGEN = [sys.executable, "-m", "generator"]
# extra sites and roles on top of the reference set (115 documents): each adds one security plan or one job description
SIZES = {"~100": (0, 0), "~1000": (295, 590)}
# approvals dated as in the tests' approved set, so registers, snapshots and the Stage 1 pack are the same every run
CONTROL_NOW = "2026-11-02T09:00:00+00:00"


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes (from /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{current}/task"):  # children of every thread, not only the main one
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    stack += [int(c) for c in handle.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def timed(command: list[str], cwd: Path, now: str | None = None,
          accept: tuple[int, ...] = (0, 1)) -> tuple[float, int, str]:
    """Wall time, peak process-tree memory and output of a command; `now` pins SMSGEN_NOW; an exit status not in
    `accept` stops the benchmark (a build with findings exits 1 and is still timed)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **({"SMSGEN_NOW": now} if now else {})}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
    peak = [0]

    def sample():
        while process.poll() is None:
            peak[0] = max(peak[0], tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    elapsed = time.perf_counter() - started
    sampler.join()
    if process.returncode not in accept:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return elapsed, peak[0], output


def _raw_convert(args: tuple[str, str, str]) -> None:
    """The floor's unit of work: pandoc (and typst) on one page, with no smsgen decoration and no cache."""
    page, out, docs = args
    text = Path(page).read_text(encoding="utf-8").split("\n---\n", 1)[-1]
    # pages link figures relative to themselves (../figures/x.svg, ../records/figures/x.svg); both converters resolve
    # from docs/
    text = text.replace("](../", "](/")
    pandoc = pypandoc.get_pandoc_path()
    subprocess.run([pandoc, "-f", "markdown", "-t", "docx", "-o", out + ".docx", f"--resource-path={docs}"],
                   input=text.encode(), check=True, capture_output=True)
    markup = subprocess.run([pandoc, "-f", "markdown", "-t", "typst"], input=text.encode(), check=True,
                            capture_output=True).stdout
    source = b"#show figure: set block(breakable: true)\n#let horizontalrule = line(length: 100%)\n" + markup
    typst.compile(source, root=docs, output=out + ".pdf")


def floor(ws: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(Path(out) / "site")], cwd=ws,
                       check=True, env=env, capture_output=True)
        pages = [ws / "docs" / n for n in (ws / "docs" / ".smsgen-pages").read_text().split()
                 if n.endswith(".md") and "/" in n and not n.endswith("index.md")]
        jobs = [(str(p), str(Path(out) / p.stem), str(ws / "docs")) for p in pages]
        with ProcessPoolExecutor(os.cpu_count(), mp_context=multiprocessing.get_context("spawn")) as pool:
            list(pool.map(_raw_convert, jobs, chunksize=4))
    return time.perf_counter() - started


def one_document_change(ws: Path) -> str:
    """Change a value that exactly one document prints: the purpose of the last role (its job description)."""
    roles = ws / "data" / "roles.yml"
    data = yaml.safe_load(roles.read_text(encoding="utf-8"))
    data["roles"][-1]["purpose"] += " Benchmark edit."
    roles.write_text("# yaml-language-server: $schema=.schema/roles.schema.json\n" +
                     yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return data["roles"][-1]["code"]


def build_phases(output: str) -> dict[str, tuple[float, str]]:
    """The phases `smsgen build` reports ("site done in 0.6 s (3 page(s) rendered again)"): name -> (seconds, note)."""
    found = {}
    for line in output.splitlines():
        name, sep, rest = line.partition(" done in ")
        if sep and " s" in rest:
            seconds, _, note = rest.partition(" s")
            found[name.split()[0]] = (float(seconds), note.strip(" ()"))
    return found


def rename_site(ws: Path) -> None:
    """The serve edit: rename the first site in data/sites.yml (every document that names the site changes)."""
    sites = ws / "data" / "sites.yml"
    data = yaml.safe_load(sites.read_text(encoding="utf-8"))
    data["sites"][0]["name"] += " (renamed)"
    sites.write_text("# yaml-language-server: $schema=.schema/sites.schema.json\n" +
                     yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def serve_edit(ws: Path) -> None:
    """The child process of `serve_round_trip`: what `smsgen serve` does, without the HTTP server. A first rebuild
    as serve does at start (warm imports and caches), then one data edit, found by serve's scan and rebuilt through
    serve's `rebuild`. Prints the round trip, from the saved edit to the rebuilt site, as one JSON line."""
    # smsgen is imported in the functions that use it, not at the top: the floor's spawned workers import this module
    # again, and smsgen's import time (0.3 s) is no part of the floor
    from generator.base.workspace import Workspace  # noqa: PLC0415
    from generator.publish.serve import rebuild, snapshot, watched  # noqa: PLC0415
    from generator.publish.site.registry import site_backend  # noqa: PLC0415

    workspace, backend = Workspace.at(ws), site_backend()
    with tempfile.TemporaryDirectory(prefix="smsgen-bench-serve-") as home:
        site_dir = Path(home) / "site"
        first = rebuild(workspace, backend, site_dir)
        seen = snapshot(watched(workspace))
        rename_site(ws)
        started = time.perf_counter()
        noticed = snapshot(watched(workspace)) != seen
        done = rebuild(workspace, backend, site_dir)
        seconds = time.perf_counter() - started
    print(json.dumps({"first": first.seconds, "round_trip": seconds, "built": first.built and done.built and noticed}))


def serve_round_trip(ws: Path) -> tuple[float, int]:
    """Seconds of the serve round trip, and peak memory of the serve process (its first build included, and about
    20 MB of this module's own imports)."""
    _, peak, output = timed([sys.executable, str(Path(__file__).resolve()), "--serve-edit", str(ws)], ws,
                            accept=(0,))
    result = json.loads(next(line for line in reversed(output.splitlines()) if line.startswith("{")))
    if not result["built"]:
        raise SystemExit(f"serve did not rebuild the site after the edit:\n{output[-3000:]}")
    return result["round_trip"], peak


def approve_everything(ws: Path) -> None:
    """What tests/conftest.py's `approve_everything` does, through the CLI: the document controller submits every
    document, then each holder of an approver function approves all they may. `build --controlled` and `pack stage1`
    refuse anything less."""
    from generator.base.workspace import Workspace  # noqa: PLC0415 - not in the floor's workers (see serve_edit)
    from generator.checks.assess import assess  # noqa: PLC0415

    outcome = assess(Workspace.at(ws))
    if outcome.org is None:
        raise SystemExit(f"the synthetic set {ws} does not load")
    submitter = outcome.org.function["document_controller"].holders[0].id
    timed(SMSGEN + ["submit", "--all", "--by", submitter], ws, CONTROL_NOW, accept=(0,))
    approvers = {person.id for doc in outcome.documents for person in doc.approver.holders}
    for person in outcome.org.people:
        if person.id in approvers:
            timed(SMSGEN + ["approve", "--all", "--by", person.id], ws, CONTROL_NOW, accept=(0,))


def controlled(ws: Path) -> dict:
    """Approve everything, then time `build --controlled` and `pack stage1 --out FILE`, each with its peak memory."""
    approve_everything(ws)
    built, built_mem, _ = timed(SMSGEN + ["build", "--controlled"], ws, CONTROL_NOW, accept=(0,))
    pack = ws / "dist" / "bench-stage1.zip"
    packed, packed_mem, _ = timed(SMSGEN + ["pack", "stage1", "--out", str(pack)], ws, CONTROL_NOW, accept=(0,))
    return {"controlled": built, "controlled_mb": built_mem / 2**20,
            "stage1": packed, "stage1_mb": packed_mem / 2**20, "stage1_kb": pack.stat().st_size / 1024}


def packs_build(target: Path, extra_sites: int, extra_roles: int) -> dict:
    """A cold `build --all` (site, DOCX, PDF and the combined packs) on a fresh copy of the set: the worst case for
    memory, conversions and the pack merge in one process tree."""
    ws = make(target, extra_sites, extra_roles)
    seconds, peak, _ = timed(SMSGEN + ["build", "--all"], ws)
    if not list((ws / "dist" / "pdf").glob("*-full-set.pdf")):
        raise SystemExit(f"`build --all` wrote no full-set pack in {ws / 'dist'}")
    return {"packs_build": seconds, "packs_build_mb": peak / 2**20}


def bench(label: str, extra_sites: int, extra_roles: int, root: Path) -> dict:
    ws = make(root / label.strip("~"), extra_sites, extra_roles)
    build = SMSGEN + ["build", "--docx", "--pdf"]
    cold, cold_mem, out = timed(build, ws)
    documents = len(list((ws / "dist" / "pdf").glob("*.pdf")))
    again, again_mem, out_again = timed(build, ws)
    one_document_change(ws)
    one, one_mem, out_one = timed(build, ws)
    converted = next((line.split()[0] for line in out_one.splitlines() if "converted" in line), "?")
    phases = build_phases(out_one)
    floor_s = floor(ws)
    serve_s, serve_mem = serve_round_trip(ws)
    return {"label": label, "documents": documents, "cold": cold, "no_change": again, "one_change": one,
            "one_change_converted": converted, "one_change_phases": phases,
            "one_change_site": phases.get("site", (0.0, "not built"))[1],
            "peak_mb": max(cold_mem, again_mem, one_mem) / 2**20,
            "floor": floor_s, "serve_round_trip": serve_s, "serve_mb": serve_mem / 2**20,
            **controlled(ws), **packs_build(root / f"{label.strip('~')}-packs", extra_sites, extra_roles)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES), type=sizes,
                        help="comma-separated sets to run (default: %(default)s)")
    parser.add_argument("--serve-edit", type=Path, metavar="WS", help=argparse.SUPPRESS)  # serve_round_trip's child
    args = parser.parse_args()
    if args.serve_edit:
        serve_edit(args.serve_edit)
        return
    # smsgen as installed: a wheel install writes every module's bytecode; an editable install run where
    # PYTHONDONTWRITEBYTECODE is set (containers, CI) never does, and each build would first compile 150 modules
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[2] / "generator")],
                   check=True)
    root = Path(tempfile.mkdtemp(prefix="smsgen-bench-"))
    results = []
    try:
        for label in args.sizes:
            print(f"building {label} documents ...", flush=True)
            results.append(bench(label, *SIZES[label], root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"\nsmsgen benchmark on {os.cpu_count()} cores (site + DOCX + PDF of every document)\n")
    print(f"{'set':7} {'docs':>5} {'cold s':>8} {'floor s':>8} {'cold/floor':>10} {'no-change s':>11} "
          f"{'no-change/cold':>14} {'1-change s':>10} {'reconverted':>11} {'peak MB':>8}")
    for r in results:
        print(f"{r['label']:7} {r['documents']:5d} {r['cold']:8.1f} {r['floor']:8.1f} {r['cold'] / r['floor']:10.2f} "
              f"{r['no_change']:11.1f} {r['no_change'] / r['cold']:14.1%} {r['one_change']:10.1f} "
              f"{r['one_change_converted']:>11} {r['peak_mb']:8.0f}")
    if len(results) == 2:
        small, large = results
        print(f"\n1000-document cold build / 100-document cold build: {large['cold'] / small['cold']:.1f}x "
              f"for {large['documents'] / small['documents']:.1f}x the documents")
    for r in results:
        split = ", ".join(f"{name} {seconds:.1f} s" for name, (seconds, _) in r["one_change_phases"].items())
        print(f"\n{r['label']} one-document change, by phase (they overlap): {split}; site: {r['one_change_site']}")
    print_workflows(results)
    print("\ntargets (issue 5):")
    for line, met in targets(results):
        print(f"  {'met    ' if met else 'NOT MET'}  {line}")
    print("\ntargets (performance issue; ratios within this run):")
    for r in results:
        r["targets"] = [{"target": line, "met": met} for line, met in performance_targets(r)]
        for line, met in performance_targets(r):
            print(f"  {'met    ' if met else 'NOT MET'}  {line}")
    for label in SIZES.keys() - {r["label"] for r in results}:
        print(f"  not run  {label}: its targets (run it with --sizes {label})")
    print(json.dumps(results))


def sizes(text: str) -> list[str]:
    """`--sizes`: "~100,~1000", "100" ... as labels of SIZES, in the order given."""
    labels = [f"~{name.strip().lstrip('~')}" for name in text.split(",") if name.strip()]
    unknown = [label for label in labels if label not in SIZES]
    if unknown or not labels:
        raise argparse.ArgumentTypeError(f"unknown set(s) {', '.join(unknown) or text!r} (known: {', '.join(SIZES)})")
    return labels


def print_workflows(results: list[dict]) -> None:
    """The second table: the serve round trip, the controlled build and pack, and the cold build with the packs."""
    print(f"\n{'set':7} {'serve edit s':>12} {'serve MB':>8} {'controlled s':>12} {'MB':>5} {'pack stage1 s':>13} "
          f"{'MB':>5} {'build --all s':>13} {'MB':>5}")
    for r in results:
        print(f"{r['label']:7} {r['serve_round_trip']:12.1f} {r['serve_mb']:8.0f} {r['controlled']:12.1f} "
              f"{r['controlled_mb']:5.0f} {r['stage1']:13.1f} {r['stage1_mb']:5.0f} {r['packs_build']:13.1f} "
              f"{r['packs_build_mb']:5.0f}")


def targets(results: list[dict]) -> list[tuple[str, bool]]:
    """The issue's targets, each with whether this run meets it."""
    checks = []
    for r in results:
        checks += [(f"{r['label']}: cold build at most 1.3x the floor ({r['cold'] / r['floor']:.2f}x)",
                    r["cold"] <= 1.3 * r["floor"]),
                   (f"{r['label']}: no-change rebuild at most 10% of the cold build ({r['no_change'] / r['cold']:.1%})",
                    r["no_change"] <= 0.1 * r["cold"]),
                   (f"{r['label']}: a one-document change reconverts that document only "
                    f"({r['one_change_converted']} files: its DOCX and PDF)", r["one_change_converted"] == "2"),
                   (f"{r['label']}: peak memory under 1 GB ({r['peak_mb']:.0f} MB)", r["peak_mb"] < 1024)]
    if len(results) == 2:
        ratio = results[1]["cold"] / results[0]["cold"]
        checks.append((f"1000 documents take at most 11x the time of 100 ({ratio:.1f}x)", ratio <= 11))
    return checks


# the performance issue's bounds by set: cold / floor, one-document change / cold, no-change rebuild / cold
BOUNDS = {"~100": (0.6, 0.10, 0.05), "~1000": (0.4, 0.03, 0.05)}
PACKS_SET, PACKS_MB = "~1000", 1024   # `build --all` with packs on this set peaks under this, whole process tree


def performance_targets(r: dict) -> list[tuple[str, bool]]:
    """The performance issue's targets for one set, each with whether this run meets it."""
    cold_bound, one_bound, none_bound = BOUNDS[r["label"]]
    cold, one, none = r["cold"] / r["floor"], r["one_change"] / r["cold"], r["no_change"] / r["cold"]
    checks = [(f"{r['label']}: cold build at most {cold_bound}x the floor ({cold:.2f}x)", cold <= cold_bound),
              (f"{r['label']}: one-document change at most {one_bound:.0%} of the cold build, site included "
               f"({one:.1%}), its DOCX and PDF the only conversions ({r['one_change_converted']} files)",
               one <= one_bound and r["one_change_converted"] == "2"),
              (f"{r['label']}: one-document change renders only the changed pages of the site "
               f"({r['one_change_site']})", "rendered again" in r["one_change_site"]),
              (f"{r['label']}: no-change rebuild at most {none_bound:.0%} of the cold build ({none:.1%})",
               none <= none_bound)]
    if r["label"] == PACKS_SET:
        checks.append((f"{r['label']}: `build --all` with packs peaks under {PACKS_MB / 1024:.0f} GB, whole process "
                       f"tree ({r['packs_build_mb']:.0f} MB)", r["packs_build_mb"] < PACKS_MB))
    return checks


if __name__ == "__main__":
    main()
