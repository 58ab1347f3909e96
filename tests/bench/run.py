"""`make bench`: build times of smsgen against the floor of its own toolchain, at about 100 and 1000 documents.

Prints, for each size: cold full build (site, DOCX, PDF), no-change rebuild, one-document-change rebuild (and how
many outputs it reconverted), peak memory of the whole process tree, and the floor: `mkdocs build` alone plus the
raw pandoc -> DOCX and pandoc -> typst -> PDF conversions of the same Markdown on the same cores. Ratios, measured in
one run, are what to compare: the machine is shared and absolute times are noisy.
"""
from __future__ import annotations

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


def timed(command: list[str], cwd: Path) -> tuple[float, int, str]:
    """Wall time, peak process-tree memory and output of a command."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
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
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return elapsed, peak[0], output


def _raw_convert(args: tuple[str, str, str]) -> None:
    """The floor's unit of work: pandoc (and typst) on one page, with no smsgen decoration and no cache."""
    page, out, docs = args
    text = Path(page).read_text(encoding="utf-8").split("\n---\n", 1)[-1]
    # pages link figures relative to themselves (../figures/x.svg); both converters resolve from docs/
    text = text.replace("](../figures/", "](/figures/")
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


def bench(label: str, extra_sites: int, extra_roles: int, root: Path) -> dict:
    ws = make(root / label.strip("~"), extra_sites, extra_roles)
    build = SMSGEN + ["build", "--docx", "--pdf"]
    cold, cold_mem, out = timed(build, ws)
    documents = len(list((ws / "dist" / "pdf").glob("*.pdf")))
    again, again_mem, out_again = timed(build, ws)
    one_document_change(ws)
    one, one_mem, out_one = timed(build, ws)
    converted = next((line.split()[0] for line in out_one.splitlines() if "converted" in line), "?")
    floor_s = floor(ws)
    return {"label": label, "documents": documents, "cold": cold, "no_change": again, "one_change": one,
            "one_change_converted": converted, "peak_mb": max(cold_mem, again_mem, one_mem) / 2**20,
            "floor": floor_s}


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="smsgen-bench-"))
    results = []
    try:
        for label, (sites, roles) in SIZES.items():
            print(f"building {label} documents ...", flush=True)
            results.append(bench(label, sites, roles, root))
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
    print("\ntargets (issue 5):")
    for line, met in targets(results):
        print(f"  {'met    ' if met else 'NOT MET'}  {line}")
    print(json.dumps(results))


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


if __name__ == "__main__":
    main()
