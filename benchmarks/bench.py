"""Speed of the lecture, measured: ``make bench`` (= ``python benchmarks/bench.py --readme``).

    .venv/bin/python benchmarks/bench.py            # measure, print, write build/bench.json
    .venv/bin/python benchmarks/bench.py --quick    # fewer repeats (a check that it works)
    .venv/bin/python benchmarks/bench.py --readme   # ... and regenerate CONTRIBUTING.md's table
    .venv/bin/python benchmarks/bench.py --render   # only regenerate CONTRIBUTING.md from the JSON files
    .venv/bin/python benchmarks/bench.py --skip notebooks   # leave out a part

Parts (each can be skipped with ``--skip``):

notebooks  each notebook's wall time in the default mode, from a fresh kernel (kernel start
           included), median of 3 runs (run round-robin over the series), plus the kernel's
           CPU time; the budget is 20 s per notebook and 75 s for the series on 2 cores.
loop       ``course_utils.fit``'s throughput divided by a bare PyTorch loop's (``bare_loop.py``:
           randperm + slicing, zero_grad/backward/step) on the same model, data and batch size, median
           of 5 paired runs (each: best of 3 interleaved timings per side, order
           alternating); goal >= 0.95. ``fit`` runs with ``progress=False`` and a loss_fn
           that returns no extra terms; it still records the epoch loss, the bare loop not.
data       the data path's samples per second: loading the offline subset (cold, in a
           fresh process), reading full-MNIST IDX files (generated, 60,000 images) and
           slicing shuffled mini-batches from the in-memory tensor as ``fit`` does.
import     ``import course_utils`` on top of ``import torch``, fresh process, median of 5.

The table is the ``bench`` block of CONTRIBUTING.md ("Speed"); ``--doc FILE`` points
``--readme`` and ``--render`` at another file with the same markers.

Timings on a machine that is busy with other work overstate an idle one's; the JSON
records the load average before the run, and the notebook part records CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    BUILD,
    NOTEBOOK_BUDGET_S,
    ROOT,
    SERIES_BUDGET_S,
    busy_warning,
    environ,
    machine,
    median,
    notebooks,
    replace_block,
    run_notebook,
)

PARTS = ("notebooks", "loop", "data", "import")
RATIO_GOAL = 0.95
DOC = ROOT / "CONTRIBUTING.md"  # holds the bench block


# --------------------------------------------------------------------------- notebooks
def bench_notebooks(repeats: int, only: list[str] | None) -> dict:
    """Median wall time (and CPU time) per notebook over ``repeats`` fresh-kernel runs."""
    paths = notebooks(only)
    runs: dict[str, list[dict]] = {p.stem: [] for p in paths}
    with tempfile.TemporaryDirectory(prefix="course_bench_") as tmp, \
            environ(COURSE_FULL="0"):
        for rep in range(repeats):
            for path in paths:
                run = run_notebook(path, Path(tmp) / f"results{rep}")
                print(f"  [{rep + 1}/{repeats}] {path.stem}: {run['seconds']:.1f} s"
                      + (f"  {run['error']}" if run["error"] else ""), flush=True)
                runs[path.stem].append(run)
    rows = []
    for stem, rs in runs.items():
        cpu = [r["cpu_seconds"] for r in rs if r["cpu_seconds"] is not None]
        seconds = median([r["seconds"] for r in rs])
        rows.append({
            "notebook": stem,
            "seconds": round(seconds, 2),
            "runs": [round(r["seconds"], 2) for r in rs],
            "cpu_seconds": round(median(cpu), 2) if cpu else None,
            "within_budget": seconds <= NOTEBOOK_BUDGET_S,
            "errors": [r["error"] for r in rs if r["error"]],
        })
    total = sum(r["seconds"] for r in rows)
    cpu = [r["cpu_seconds"] for r in rows]
    return {
        "repeats": repeats,
        "budget_seconds_each": NOTEBOOK_BUDGET_S,
        "budget_seconds_total": SERIES_BUDGET_S,
        "rows": rows,
        "total_seconds": round(total, 2),
        "total_cpu_seconds": round(sum(cpu), 2) if all(c is not None for c in cpu) else None,
        "within_budget": total <= SERIES_BUDGET_S and all(r["within_budget"] for r in rows),
    }


# --------------------------------------------------------------------------- loop
def _loop_setup(batch_size: int):
    import torch
    from bare_loop import bare_loop
    from torch import nn

    import course_utils as cu

    cu.seed_everything(0)
    x, _ = cu.load_mnist("train", full=False)

    def make_model() -> nn.Module:
        torch.manual_seed(0)
        return nn.Sequential(                      # (B, 1, 28, 28)
            nn.Flatten(),                          # (B, 784)
            nn.Linear(784, 256), nn.ReLU(),        # (B, 256)
            nn.Linear(256, 32),                    # (B, 32) code
            nn.Linear(32, 256), nn.ReLU(),         # (B, 256)
            nn.Linear(256, 784), nn.Sigmoid(),     # (B, 784)
            nn.Unflatten(1, (1, 28, 28)),          # (B, 1, 28, 28)
        )

    def mse(model, xb):
        return nn.functional.mse_loss(model(xb), xb)

    def run_fit(epochs: int) -> tuple[float, float]:
        model = make_model()
        start, cpu = time.perf_counter(), time.process_time()
        cu.fit(model, lambda m, xb: (mse(m, xb), {}), x, epochs=epochs, batch_size=batch_size, lr=1e-3,
               progress=False)
        return time.perf_counter() - start, time.process_time() - cpu

    def run_bare(epochs: int) -> tuple[float, float]:
        model = make_model()
        start, cpu = time.perf_counter(), time.process_time()
        bare_loop(model, mse, x, epochs=epochs, batch_size=batch_size, lr=1e-3)
        return time.perf_counter() - start, time.process_time() - cpu

    return x, run_fit, run_bare


def bench_loop(pairs: int, epochs: int, reps: int = 3, batch_size: int = 128) -> dict:
    """Throughput of ``cu.fit`` / a bare loop: median over paired runs.

    Each paired run times ``fit`` and the bare loop ``reps`` times each, interleaved and in
    alternating order, from the same initial model, and keeps each one's fastest time (the
    least disturbed by other processes); its ratio is bare time / fit time.
    """
    x, run_fit, run_bare = _loop_setup(batch_size)
    run_fit(1), run_bare(1)                          # warm-up (allocator, kernels)
    samples = epochs * len(x)
    ratios, cpu_ratios, fit_tp, bare_tp = [], [], [], []
    for i in range(pairs):
        t_fit, t_bare = [], []
        for r in range(reps):
            if (i + r) % 2 == 0:
                t_fit.append(run_fit(epochs))
                t_bare.append(run_bare(epochs))
            else:
                t_bare.append(run_bare(epochs))
                t_fit.append(run_fit(epochs))
        best_fit, best_bare = min(t[0] for t in t_fit), min(t[0] for t in t_bare)
        fit_tp.append(samples / best_fit)
        bare_tp.append(samples / best_bare)
        ratios.append(best_bare / best_fit)
        cpu_ratios.append(min(t[1] for t in t_bare) / min(t[1] for t in t_fit))
        print(f"  pair {i + 1}/{pairs}: fit {fit_tp[-1]:,.0f}/s, bare {bare_tp[-1]:,.0f}/s, "
              f"ratio {ratios[-1]:.3f} (CPU-time ratio {cpu_ratios[-1]:.3f})", flush=True)
    ratio = median(ratios)
    return {
        "model": ("MLP autoencoder 784-256-32-256-784 (ReLU, sigmoid), MSE, Adam lr 1e-3 "
                  "(fused where PyTorch has it, in both)"),
        "data": f"offline subset, {len(x)} images", "batch_size": batch_size,
        "epochs_per_run": epochs, "pairs": pairs, "reps_per_pair": reps,
        "fit_samples_per_s": round(median(fit_tp)),
        "bare_samples_per_s": round(median(bare_tp)),
        "ratios": [round(r, 4) for r in ratios],
        "ratio": round(ratio, 3), "goal": RATIO_GOAL, "goal_met": ratio >= RATIO_GOAL,
        "cpu_time_ratio": round(median(cpu_ratios), 3),
        "cpu_time_ratio_note": "the same from process CPU time; steadier on a busy machine",
    }


# --------------------------------------------------------------------------- data
_SUBSET_LOAD = """
import time, torch, course_utils as cu
from course_utils import data
start = time.perf_counter()
x, y = cu.load_mnist("train", full=False)
xt, yt = cu.load_mnist("test", full=False)
print(len(x) + len(xt), time.perf_counter() - start)
"""


def bench_data(repeats: int, batch_size: int = 128) -> dict:
    """Samples per second of: the cold subset load, the IDX read, the batch slicing."""
    import torch
    from mnist_idx import generate_full_mnist

    import course_utils as cu
    from course_utils import data

    subset = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", _SUBSET_LOAD], capture_output=True,
                             text=True, check=True, cwd=ROOT)
        n, seconds = out.stdout.split()
        subset.append(int(n) / float(seconds))

    with tempfile.TemporaryDirectory(prefix="course_idx_") as tmp:
        generate_full_mnist(tmp)
        idx = []
        for _ in range(repeats):
            data._load_full.cache_clear()
            start = time.perf_counter()
            xf, _ = cu.load_mnist("train", full=True, root=tmp, download=False)
            idx.append(len(xf) / (time.perf_counter() - start))
        data._load_full.cache_clear()

    x, _ = cu.load_mnist("train", full=False)
    gen = torch.Generator().manual_seed(0)
    n, epochs = len(x), 20
    batches = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(epochs):
            perm = torch.randperm(n, generator=gen)
            for i in range(0, n, batch_size):
                x[perm[i:i + batch_size]]
        batches.append(epochs * n / (time.perf_counter() - start))
    return {
        "subset_load_samples_per_s": round(median(subset)),
        "subset_load_note": "load_mnist train+test (5,000 images) in a fresh process, "
                            "after imports",
        "idx_read_samples_per_s": round(median(idx)),
        "idx_read_note": "load_mnist('train', full=True) of 60,000 generated images, IDX files "
                         "in the page cache",
        "batch_samples_per_s": round(median(batches)),
        "batch_note": f"randperm + x[perm[i:i+{batch_size}]] over the 4,000-image subset",
    }


# --------------------------------------------------------------------------- import
_IMPORT = """
import time
t0 = time.perf_counter()
import torch
t1 = time.perf_counter()
import course_utils
t2 = time.perf_counter()
print(t1 - t0, t2 - t1)
"""


def bench_import(repeats: int) -> dict:
    """``import course_utils`` after ``import torch``, each in a fresh interpreter."""
    torch_s, cu_s = [], []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", _IMPORT], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        a, b = (float(v) for v in out.stdout.split())
        torch_s.append(a)
        cu_s.append(b)
    return {"repeats": repeats, "torch_seconds": round(median(torch_s), 3),
            "course_utils_seconds": round(median(cu_s), 3)}


# --------------------------------------------------------------------------- output
def _cpu(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def table_lines(report: dict) -> list[str]:
    """The result as Markdown lines (used for the terminal and for CONTRIBUTING.md)."""
    lines = []
    nb = report.get("notebooks")
    if nb:
        lines += [f"| notebook (default mode, fresh kernel) | wall s (median of {nb['repeats']})"
                  f" | kernel CPU s | budget {nb['budget_seconds_each']:.0f} s |",
                  "|---|---:|---:|---|"]
        for r in nb["rows"]:
            ok = "ok" if r["within_budget"] and not r["errors"] else (
                "error" if r["errors"] else "over")
            lines.append(f"| `{r['notebook']}` | {r['seconds']:.1f} | {_cpu(r['cpu_seconds'])} "
                         f"| {ok} |")
        ok = "ok" if nb["within_budget"] else "over"
        lines.append(f"| **series** | **{nb['total_seconds']:.1f}** | "
                     f"{_cpu(nb['total_cpu_seconds'])} | {ok} (budget "
                     f"{nb['budget_seconds_total']:.0f} s) |")
        lines.append("")
    rows = []
    if "loop" in report:
        lp = report["loop"]
        met = "met" if lp["goal_met"] else "not met"
        cpu_ratio = lp.get("cpu_time_ratio")
        cpu_text = "" if cpu_ratio is None else f"; CPU-time ratio {cpu_ratio:.3f}"
        rows.append(f"| `cu.fit` / bare PyTorch loop throughput | **{lp['ratio']:.3f}** (median "
                    f"of {lp['pairs']} pairs; goal >= {lp['goal']}, {met}{cpu_text}); "
                    f"{lp['fit_samples_per_s']:,} vs {lp['bare_samples_per_s']:,} samples/s, "
                    f"batch {lp['batch_size']} |")
    if "data" in report:
        d = report["data"]
        rows.append(f"| data path, samples/s | subset load {d['subset_load_samples_per_s']:,}; "
                    f"full-MNIST IDX read {d['idx_read_samples_per_s']:,}; "
                    f"mini-batch slicing {d['batch_samples_per_s']:,} |")
    if "import" in report:
        im = report["import"]
        rows.append(f"| `import course_utils` after `import torch` | "
                    f"{im['course_utils_seconds']:.2f} s (torch itself "
                    f"{im['torch_seconds']:.2f} s) |")
    full = report.get("full_mode")
    if full:
        goal = "within" if full["within_budget"] else "over"
        rows.append(f"| full MNIST (`COURSE_FULL=1`), offline, whole series | "
                    f"{full['total_seconds']:.0f} s for {full['notebooks']} notebook(s), {goal} "
                    f"the {full['budget_seconds']:.0f} s budget; {full['files']} MNIST files; "
                    f"measured {full['date_utc']} UTC by `benchmarks/full_mode.py` |")
    if rows:
        lines += ["| measure | result |", "|---|---|", *rows, ""]
    info = report.get("machine", {})
    if info:
        lines.append(f"Measured {info['date_utc']} UTC on {info['cpu_count']} CPU core(s) "
                     f"({info['processor']}), torch {info['torch']}, load average "
                     f"{info['load_average_1min']} at the start.")
    return lines


def write_readme(report: dict, readme: Path = DOC) -> None:
    """Replace the text between the bench markers in ``readme`` (CONTRIBUTING.md) with the table."""
    body = "\n".join(["<!-- generated by `make bench`; do not edit by hand -->", *table_lines(report)])
    replace_block(readme, "bench", body)


def load_full_mode(path: Path) -> dict | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return {key: data.get(key) for key in
            ("total_seconds", "total_cpu_seconds", "budget_seconds", "within_budget", "files",
             "files_description", "network_blocked")} | {
        "notebooks": len(data.get("notebooks", [])),
        "date_utc": data.get("machine", {}).get("date_utc")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook prefixes, e.g. 01 03 (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (checks the tool)")
    parser.add_argument("--skip", action="append", default=[], choices=PARTS,
                        help="leave out a part (repeatable)")
    parser.add_argument("--readme", action="store_true",
                        help="also regenerate the bench block of CONTRIBUTING.md (or of --doc)")
    parser.add_argument("--render", action="store_true",
                        help="only regenerate the bench block from the JSON files")
    parser.add_argument("--doc", type=Path, default=DOC, metavar="FILE",
                        help="the file whose bench block --readme and --render rewrite "
                             "(default: CONTRIBUTING.md)")
    parser.add_argument("--json", type=Path, default=BUILD / "bench.json")
    parser.add_argument("--full-json", type=Path, default=BUILD / "bench_full.json",
                        help="full-mode results (from benchmarks/full_mode.py) quoted in the table")
    args = parser.parse_args(argv)

    if args.render:
        report = json.loads(args.json.read_text())
        report["full_mode"] = load_full_mode(args.full_json)
        write_readme(report, args.doc)
        print(f"{args.doc.name} bench block regenerated from {args.json}")
        return 0

    import torch

    torch.set_num_threads(2)
    report: dict = {"machine": machine(), "quick": args.quick}
    print(f"benchmark on {report['machine']['cpu_count']} CPU core(s), "
          f"torch {report['machine']['torch']}" + (" (quick)" if args.quick else ""))
    if warning := busy_warning(report["machine"]):
        print(warning)
    parts = [p for p in PARTS if p not in args.skip]
    start = time.perf_counter()
    if "import" in parts:
        print("import time ...", flush=True)
        report["import"] = bench_import(3 if args.quick else 5)
    if "data" in parts:
        print("data path ...", flush=True)
        report["data"] = bench_data(1 if args.quick else 3)
    if "loop" in parts:
        print("training loop vs bare loop ...", flush=True)
        report["loop"] = bench_loop(pairs=3 if args.quick else 5, epochs=3 if args.quick else 8,
                                    reps=2 if args.quick else 3)
    if "notebooks" in parts:
        print("notebooks (default mode) ...", flush=True)
        report["notebooks"] = bench_notebooks(1 if args.quick else 3, args.only or None)
    report["bench_seconds"] = round(time.perf_counter() - start, 1)
    report["full_mode"] = load_full_mode(args.full_json)

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print()
    print("\n".join(table_lines(report)))
    print(f"\nwrote {args.json}")
    if args.readme:
        write_readme(report, args.doc)
        print(f"regenerated the bench block in {args.doc.name}")
    failed = any(r["errors"] for r in report.get("notebooks", {}).get("rows", []))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
