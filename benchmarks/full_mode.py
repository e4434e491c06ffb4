"""Prove the full-MNIST mode offline: run every notebook with ``COURSE_FULL=1``, no network.

    .venv/bin/python benchmarks/full_mode.py            # all notebooks
    .venv/bin/python benchmarks/full_mode.py 01 03      # some of them
    .venv/bin/python benchmarks/full_mode.py --generate # ignore real files, use generated ones

Which files: if the data folder (``--data-dir``, else ``$COURSE_DATA_DIR``, else
``data/``) holds MNIST's four IDX files in torchvision's layout
(``MNIST/raw/train-images-idx3-ubyte`` ...), those are used ("existing"). Otherwise
(or with ``--generate``) files in the exact IDX format are generated into a temporary
folder from the offline subset (shifted copies, see ``benchmarks/mnist_idx.py``), and
the output says so.

Steps:

1. the missing-files check: notebook 01 with ``COURSE_FULL=1``, an empty data folder
   and no network must stop at once with the message that says where to put the files;
2. every notebook with ``COURSE_FULL=1``, ``COURSE_DATA_DIR`` at the files, and the
   network cut off in the kernel (``benchmarks/offline/sitecustomize.py``), one fresh
   kernel each; wall time (kernel start included) and kernel CPU time per notebook.

Writes ``build/bench_full.json`` (``--json``); exit status 1 if a step failed.
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
    ANSI,
    BUILD,
    FULL_SERIES_BUDGET_S,
    ROOT,
    busy_warning,
    environ,
    execute,
    machine,
    notebooks,
    offline_env,
    run_notebook,
)
from mnist_idx import FILES, generate_full_mnist, has_mnist  # noqa: E402

MISSING_BUDGET_S = 60.0   # kernel start + imports + first cells, on a busy machine


def network_blocked(pythonpath: str) -> bool:
    """Whether a child Python with this PYTHONPATH really cannot open a connection."""
    code = ("import socket\ntry:\n    socket.create_connection(('example.com', 443), timeout=3)\n"
            "except OSError:\n    print('blocked')\n")
    env = {**__import__("os").environ, "PYTHONPATH": pythonpath}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    return out.stdout.strip() == "blocked"


def missing_files_problems(text: str, empty: Path, seconds: float,
                           budget_s: float = MISSING_BUDGET_S) -> list[str]:
    """What is wrong with how notebook 01 stopped (``text``: the error's full text, ANSI-free),
    given the empty data folder it was pointed at; an empty list if it stopped as it should."""
    raw = str(empty / "MNIST" / "raw")
    wanted = {
        "it did not stop with DataUnavailableError": "DataUnavailableError" in text,
        f"the message does not name the folder {raw}": raw in text,
        **{f"the message does not name {name}": name in text for name in FILES.values()},
        "the traceback runs into torchvision": "site-packages/torchvision" not in text,
        "the cell that stops is not the one calling load_mnist": "load_mnist" in text,
        f"it took {seconds:.0f} s to stop (budget {budget_s:.0f} s)": seconds < budget_s,
        "it wrote files into the empty data folder": not any(empty.rglob("*-ubyte*")),
    }
    return [problem for problem, ok in wanted.items() if not ok]


def missing_files_check(first: Path, work: Path, *, pythonpath: str | None = None,
                        budget_s: float = MISSING_BUDGET_S, timeout: int = 300) -> dict:
    """Run ``first`` with ``COURSE_FULL=1``, an empty data folder and no network in the kernel;
    it must stop at once, in its data cell, saying where to put which files.

    The one home of this check: step 1 of this script, and ``tests/test_full_mode.py``.

    Parameters
    ----------
    first : pathlib.Path
        The first notebook.
    work : pathlib.Path
        A scratch folder (gets ``empty_data/`` and ``results_missing/``).
    pythonpath : str, optional
        The kernels' ``PYTHONPATH`` (default: ``offline_env()``, the network cut off).
    budget_s : float
        Seconds it may take to stop, kernel start included.
    timeout : int
        Seconds a cell may run.

    Returns
    -------
    check : dict
        ``notebook``, ``seconds``, ``ok``, ``problems`` (what went wrong, empty when ok) and
        ``message`` (the error's last line).
    """
    empty = work / "empty_data"
    empty.mkdir(parents=True, exist_ok=True)
    text = ""
    start = time.perf_counter()
    with environ(COURSE_FULL="1", COURSE_DATA_DIR=str(empty),
                 PYTHONPATH=offline_env() if pythonpath is None else pythonpath):
        try:
            execute(first, work / "results_missing", timeout=timeout)
        except Exception as err:  # noqa: BLE001 - judged below
            text = f"{type(err).__name__}: {ANSI.sub('', str(err))}"
    seconds = time.perf_counter() - start
    problems = (missing_files_problems(text, empty, seconds, budget_s) if text
                else ["it ran to the end without the files"])
    lines = [line for line in text.strip().splitlines() if "DataUnavailableError" in line]
    message = (lines or text.strip().splitlines() or [""])[-1][:2000]
    return {"notebook": first.stem, "seconds": round(seconds, 1), "ok": not problems,
            "problems": problems, "message": message}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook prefixes, e.g. 01 03 (default: all)")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder holding MNIST/raw (default: $COURSE_DATA_DIR or data/)")
    parser.add_argument("--generate", action="store_true",
                        help="use generated files even if real ones are present")
    parser.add_argument("--keep", type=Path, default=None,
                        help="generate into this folder (kept) instead of a temporary one")
    parser.add_argument("--no-missing-check", action="store_true",
                        help="skip the missing-files check")
    parser.add_argument("--json", type=Path, default=BUILD / "bench_full.json")
    args = parser.parse_args(argv)

    from course_utils.config import data_dir

    paths = notebooks(args.only)
    info = machine()
    print(f"full-MNIST mode, offline: {len(paths)} notebook(s) on {info['cpu_count']} CPU "
          f"core(s), torch {info['torch']}")
    if warning := busy_warning(info):
        print(warning)
    pythonpath = offline_env()
    blocked = network_blocked(pythonpath)
    print(f"network in the kernels: {'cut off (checked)' if blocked else 'NOT cut off'}")

    report: dict = {"machine": info, "network_blocked": blocked}
    failed = not blocked
    with tempfile.TemporaryDirectory(prefix="course_full_") as tmp:
        work = Path(tmp)
        if not args.no_missing_check:
            check = missing_files_check(paths[0], work, pythonpath=pythonpath)
            report["missing_files_check"] = check
            failed |= not check["ok"]
            verdict = "stopped as it should" if check["ok"] else "FAILED"
            print(f"missing-files check ({check['notebook']}, empty data folder): {verdict} "
                  f"after {check['seconds']:.1f} s\n  {check['message']}")
            for problem in check["problems"]:
                print(f"  - {problem}")

        folder = (args.data_dir or data_dir()).resolve()
        if has_mnist(folder) and not args.generate:
            source = f"existing files in {folder / 'MNIST' / 'raw'}"
            kind = "existing"
        else:
            folder = (args.keep or work / "generated").resolve()
            start = time.perf_counter()
            generate_full_mnist(folder)
            source = (f"generated files (60,000/10,000 shifted copies of the 5,000-image "
                      f"subset, IDX format) in {folder / 'MNIST' / 'raw'}, written in "
                      f"{time.perf_counter() - start:.1f} s")
            kind = "generated"
        print(f"MNIST files: {source}")
        report.update(files=kind, files_description=source)

        rows = []
        with environ(COURSE_FULL="1", COURSE_DATA_DIR=str(folder), PYTHONPATH=pythonpath):
            for path in paths:
                print(f"running {path.name} (full mode) ...", flush=True)
                run = run_notebook(path, work / "results", timeout=900)
                rows.append({"notebook": path.stem, **run})
                failed |= run["error"] is not None
        report["notebooks"] = rows

    total = sum(r["seconds"] for r in rows)
    cpu = [r["cpu_seconds"] for r in rows]
    total_cpu = sum(cpu) if all(c is not None for c in cpu) else None
    report.update(total_seconds=round(total, 1),
                  total_cpu_seconds=None if total_cpu is None else round(total_cpu, 1),
                  budget_seconds=FULL_SERIES_BUDGET_S,
                  within_budget=total <= FULL_SERIES_BUDGET_S)
    width = max(len(r["notebook"]) for r in rows)
    print(f"\n{'notebook (COURSE_FULL=1)':<{width}}  {'wall s':>7}  {'CPU s':>7}  status")
    for r in rows:
        cpu_text = "-" if r["cpu_seconds"] is None else f"{r['cpu_seconds']:.1f}"
        status = "ok" if r["error"] is None else r["error"]
        print(f"{r['notebook']:<{width}}  {r['seconds']:>7.1f}  {cpu_text:>7}  {status}")
    cpu_text = "-" if total_cpu is None else f"{total_cpu:.1f}"
    goal = "within" if total <= FULL_SERIES_BUDGET_S else "OVER"
    print(f"{'total':<{width}}  {total:>7.1f}  {cpu_text:>7}  {goal} the "
          f"{FULL_SERIES_BUDGET_S:.0f} s budget; files: {kind}")

    for r in rows:
        r["seconds"] = round(r["seconds"], 1)
        r["cpu_seconds"] = None if r["cpu_seconds"] is None else round(r["cpu_seconds"], 1)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
