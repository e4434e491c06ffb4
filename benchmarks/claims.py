"""The claims matrix: every claim of every notebook, over other splits, seeds and data sizes.

    .venv/bin/python benchmarks/claims.py --readme        # = make claims
    .venv/bin/python benchmarks/claims.py --cells shipped split1 --notebooks 02 04
    .venv/bin/python benchmarks/claims.py --collect-only  # judge build/claims/ again, run nothing

Each notebook checks its claims with ``results.check(...)`` (``course_utils.Results``), which
records the raw measured value, the comparison, the goal and the verdict in
``<notebook>.claims.json``. This script executes every notebook from a fresh kernel in every
cell of the matrix:

* ``shipped``: the default split of the 5,000-image MNIST subset (``COURSE_SPLIT_SEED=0``);
* ``split1`` ... ``split4``: other stratified 4,000 / 1,000 re-splits (``COURSE_SPLIT_SEED=1..4``),
  so other real digits are held out; the same variable shifts the seed that
  ``cu.seed_everything`` sets, so every model also starts from other random weights;
* ``full10k`` and ``full60k``: full mode (``COURSE_FULL=1``) on *synthetic* files in MNIST's
  format, 10,000 / 2,000 and 60,000 / 10,000 images, offline. They are not MNIST: they are
  shifted copies of the same subset images (``benchmarks/mnist_idx.py``), so they test the
  full-mode code paths and full-size training lengths, not other digits.

A claim holds only if, in every cell, the notebook ran, its raw value (the claims file's
``"value"``, not the rounded numbers) passes the goal (``course_utils.checks.passes``) and the
verdict the notebook stored agrees. Its *margin* is the distance from the worst value to the
goal (positive: the goal is met) in units of the claim's spread over the matrix (max - min of
its values over the cells); a margin below 1 puts the claim "at the edge": a change of the
size the matrix already shows could flip it. A spread of 0 over two or more cells is "exact".

It writes ``build/claims.json``::

    {"measured": "...", "cells": {cell: {"synthetic", "description", "settings"}},
     "claims": [{"notebook", "key", "claim", "op", "goal", "values": {cell: raw or None},
                 "worst", "worst_cell", "spread", "gap", "margin", "exact", "edge",
                 "missing", "mismatch", "pass"}, ...]}

``gap`` is the signed distance of the worst value from the goal, ``margin`` = gap / spread
(None when the spread is 0 or fewer than two cells have a value), ``missing`` the cells without
a value (not recorded, or NaN), ``mismatch`` the cells whose stored verdict disagrees with the
value. ``--readme`` also rewrites the ``claims`` block of CONTRIBUTING.md (or of the file given).
Two kernels run side by side (``--jobs``), one thread each (``COURSE_THREADS=1``): the thread
count is one more thing a claim must not depend on.
Exit status 1 if any claim failed or any notebook raised.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BUILD, ROOT, environ, notebooks, offline_env, replace_block  # noqa: E402

from course_utils.checks import passes  # noqa: E402

_SUBSET = "the 5,000-image MNIST subset (4,000 train / 1,000 test)"
_SYNTHETIC = ("synthetic, not MNIST: full mode (COURSE_FULL=1) on {:,} / {:,} shifted copies of "
              "the subset's shipped-split images in MNIST's file format (benchmarks/mnist_idx.py)")
CELLS: dict[str, dict] = {
    "shipped": {"env": {"COURSE_SPLIT_SEED": "0"}, "synthetic": False,
                "description": f"the shipped split of {_SUBSET}"},
    **{f"split{s}": {"env": {"COURSE_SPLIT_SEED": str(s)}, "synthetic": False,
                     "description": f"re-split {s} of {_SUBSET}: other digits held out, other seeds"}
       for s in range(1, 5)},
    **{name: {"env": {"COURSE_FULL": "1"}, "sizes": sizes, "synthetic": True,
              "description": _SYNTHETIC.format(*sizes)}
       for name, sizes in (("full10k", (10_000, 2_000)), ("full60k", (60_000, 10_000)))},
}
LOWER_IS_BETTER = {"<", "<="}
EDGE = 1.0   # a margin below this many spreads is "at the edge"


def _run_one(job: tuple[str, str, dict, str]) -> tuple[str, str, float, str | None]:
    """Execute one notebook in one cell in a child process (its own environment)."""
    cell, path, env, out = job
    code = ("import sys, json; sys.path.insert(0, 'benchmarks'); from common import run_notebook; "
            "from pathlib import Path; "
            f"r = run_notebook(Path({path!r}), Path({out!r})); print(json.dumps(r))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    if proc.returncode:
        return cell, path, 0.0, proc.stderr.strip().splitlines()[-1][:500]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return cell, path, result["seconds"], result["error"]


def run_matrix(cells: list[str], stems: list[Path], jobs: int, threads: int, work: Path,
               claims_dir: Path) -> dict:
    """Execute every notebook in every cell, recording into ``claims_dir/<cell>/``;
    returns {cell: {stem: {"seconds", "error"}}}."""
    runs, todo = {}, []
    for cell in cells:
        env = {**os.environ, "COURSE_THREADS": str(threads), "COURSE_HEADLESS": "1",
               "COURSE_FULL": "0", "PYTHONPATH": offline_env()}
        env.pop("COURSE_SPLIT_SEED", None)
        env.update(CELLS[cell]["env"])
        if sizes := CELLS[cell].get("sizes"):
            from mnist_idx import generate_full_mnist

            data = work / f"data_{cell}"
            with environ(COURSE_SPLIT_SEED="0"):   # copies of the shipped split, whatever the caller set
                generate_full_mnist(data, *sizes)
            env["COURSE_DATA_DIR"] = str(data)
        out = claims_dir / cell
        out.mkdir(parents=True, exist_ok=True)
        for path in stems:  # forget this notebook's earlier records in this cell
            for old in out.glob(f"{path.stem}.*json"):
                old.unlink()
        todo += [(cell, str(path), env, str(out)) for path in stems]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for cell, path, seconds, error in pool.map(_run_one, todo):
            stem = Path(path).stem
            runs.setdefault(cell, {})[stem] = {"seconds": round(seconds, 1), "error": error}
            print(f"{cell:>8}  {stem:<45} {seconds:6.1f} s  {error or 'ok'}", flush=True)
    return runs


def _raw(spec: dict) -> float | None:
    """The raw value a claims file recorded (None if it was NaN, or the file predates raw values)."""
    value = spec.get("value")
    return None if value is None or math.isnan(float(value)) else float(value)


def judge(row: dict, cells: list[str], ran_everywhere: bool) -> dict:
    """Add the worst value, spread, gap, margin, edge and verdict to ``row`` (values and stored
    verdicts per cell in ``row["values"]`` and ``row["stored"]``); returns ``row``."""
    op, goal, stored = row["op"], row["goal"], row.pop("stored")
    have = {c: v for c, v in row["values"].items() if v is not None}
    row["missing"] = [c for c in cells if c not in have]
    row["mismatch"] = [c for c, v in have.items() if stored[c] is not passes(v, op, goal)]
    lower = op in LOWER_IS_BETTER
    if have:
        row["worst_cell"] = (max if lower else min)(have, key=have.get)
        row["worst"] = have[row["worst_cell"]]
        row["gap"] = goal - row["worst"] if lower else row["worst"] - goal
    else:
        row["worst_cell"] = row["worst"] = row["gap"] = None
    finite = len(have) >= 2 and all(math.isfinite(v) for v in have.values())
    row["spread"] = max(have.values()) - min(have.values()) if finite else None
    row["exact"] = row["spread"] == 0
    gap, spread = row["gap"], row["spread"]
    row["margin"] = gap / spread if spread else None
    # exact: the margin is +-inf, or 0 when the worst value sits on the goal itself
    row["edge"] = bool(gap <= 0 if row["exact"] else row["margin"] is not None and row["margin"] < EDGE)
    row["pass"] = bool(ran_everywhere and not row["missing"] and not row["mismatch"]
                       and all(passes(v, op, goal) and stored[c] for c, v in have.items()))
    return row


def collect(cells: list[str], stems: list[Path], runs: dict, claims_dir: Path = BUILD / "claims"
            ) -> list[dict]:
    """One row per claim, with its raw value in every cell, judged over the matrix (see ``judge``)."""
    rows: dict[tuple[str, str], dict] = {}
    for cell in cells:
        for path in stems:
            claims_file = claims_dir / cell / f"{path.stem}.claims.json"
            claims = json.loads(claims_file.read_text()) if claims_file.exists() else {}
            for key, spec in claims.items():
                row = rows.setdefault((path.stem, key), {
                    "notebook": path.stem, "key": key, "claim": spec["claim"], "op": spec["op"],
                    "goal": spec["goal"], "values": {}, "stored": {}})
                row["values"][cell] = _raw(spec)
                row["stored"][cell] = spec.get("pass") is True
    out = []
    for (stem, _), row in sorted(rows.items()):
        ran_everywhere = all(not runs.get(c, {}).get(stem, {}).get("error") for c in cells)
        out.append(judge(row, cells, ran_everywhere))
    return out


def show_value(value: float, op: str, goal: float) -> str:
    """``value`` with 4 significant digits, or as many more as it takes to show on which side
    of the goal it lies (a raw 1.0000004 against ``<= 1`` reads 1.0000004, not 1)."""
    for digits in range(4, 18):
        text = f"{value:.{digits}g}"
        if passes(float(text), op, goal) == passes(value, op, goal) and (
                float(text) != goal or value == goal):
            return text
    return repr(value)


def show_margin(row: dict) -> str:
    """The table's margin cell: spreads to spare, "exact", or "n/a"; marked at the edge."""
    if row["exact"]:
        text = "exact, on the goal" if row["gap"] == 0 else "exact"
    elif row["margin"] is None:
        return "n/a"
    else:
        m = row["margin"]
        text = (f"{m:.0e}" if 0 < abs(m) < 0.01 or abs(m) >= 1e4 else f"{m:.2f}" if abs(m) < 10
                else f"{m:.1f}" if abs(m) < 100 else f"{m:,.0f}")
    return f"{text} **at the edge**" if row["edge"] and row["pass"] else text


def matrix_line(cells: list[str]) -> str:
    """The block's header line: the cells, the synthetic ones marked."""
    real = [c for c in cells if not CELLS[c]["synthetic"]]
    fake = [c for c in cells if CELLS[c]["synthetic"]]
    parts = [f"{', '.join(real)} (MNIST subset)"] if real else []
    if fake:
        parts.append(f"{', '.join(f'{c}*' for c in fake)} (**synthetic, not MNIST**)")
    return (f"Matrix: {'; '.join(parts)} (see `benchmarks/claims.py`); "
            f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.")


def table(rows: list[dict], cells: list[str], runs: dict) -> str:
    """The CONTRIBUTING.md block: one line per claim (worst raw value over the matrix, its margin)."""
    lines = ["<!-- generated by `make claims`; do not edit by hand -->", matrix_line(cells), "",
             "| notebook | claim | worst | goal | margin | holds |", "|---|---|---:|---|---:|---|"]
    for row in rows:
        worst = "n/a" if row["worst"] is None else show_value(row["worst"], row["op"], row["goal"])
        claim = row["claim"].replace("|", "\\|")
        lines.append(f"| {row['notebook'][:2]} | {claim} | {worst} | {row['op']} {row['goal']:g} "
                     f"| {show_margin(row)} | {'yes' if row['pass'] else '**no**'} |")
    lines += ["", "*worst*: the least favourable raw value over the cells. *margin*: the distance "
              "from the worst value to the goal, positive when the goal is met, in units of the "
              "claim's spread over the matrix (max - min over the cells); below 1 the claim is "
              "**at the edge**: a change the size of the matrix's own variation could flip it. "
              "*exact*: the same value in every cell."]
    if any(CELLS[c]["synthetic"] for c in cells):
        lines += ["", "\\* Synthetic: the full-mode cells run on shifted copies of the same 5,000 "
                  "subset images in MNIST's file format, not on MNIST. They test the full-mode code "
                  "paths and full-size training lengths; they do not test other digits."]
    for row in rows:
        notes = ([f"no value in {', '.join(row['missing'])}"] if row["missing"] else []) + (
            [f"stored verdict disagrees with the value in {', '.join(row['mismatch'])}"]
            if row["mismatch"] else [])
        if notes:
            lines.append(f"\n**{row['notebook']} `{row['key']}`:** {'; '.join(notes)}")
    errors = [(c, s, r["error"]) for c, by in runs.items() for s, r in by.items() if r["error"]]
    for cell, stem, error in errors:
        lines.append(f"\n**{stem} raised in {cell}:** `{error}`")
    return "\n".join(lines)


def report(rows: list[dict], cells: list[str]) -> dict:
    """The content of ``build/claims.json``: the cells (synthetic ones labelled) and the claims."""
    return {"measured": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "cells": {c: {"synthetic": CELLS[c]["synthetic"], "description": CELLS[c]["description"],
                          "settings": {**CELLS[c]["env"], **({"sizes": list(CELLS[c]["sizes"])}
                                                            if "sizes" in CELLS[c] else {})}}
                      for c in cells},
            "claims": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="*", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--notebooks", nargs="*", default=None, help="prefixes, e.g. 02 04")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--readme", type=Path, nargs="?", const=ROOT / "CONTRIBUTING.md", default=None,
                        metavar="FILE", help="rewrite the claims block of CONTRIBUTING.md (or of FILE)")
    parser.add_argument("--build", type=Path, default=BUILD,
                        help="build folder: records in BUILD/claims/<cell>/, writes BUILD/claims.json")
    parser.add_argument("--collect-only", action="store_true",
                        help="run nothing: rebuild claims.json (and the table) from BUILD/claims/")
    args = parser.parse_args(argv)
    stems = notebooks(args.notebooks)
    start = time.perf_counter()
    claims_dir = args.build / "claims"
    runs_file = claims_dir / "runs.json"
    if args.collect_only:
        if not runs_file.exists():
            raise SystemExit(f"{runs_file} is missing: run the matrix first (make claims)")
        runs = json.loads(runs_file.read_text())
    else:
        with tempfile.TemporaryDirectory(prefix="claims_data_") as tmp:
            new = run_matrix(args.cells, stems, args.jobs, args.threads, Path(tmp), claims_dir)
        runs = json.loads(runs_file.read_text()) if runs_file.exists() else {}
        for cell, by_stem in new.items():  # keep earlier runs of other notebooks
            runs.setdefault(cell, {}).update(by_stem)
        runs_file.write_text(json.dumps(runs, indent=2) + "\n")
    rows = collect(args.cells, stems, runs, claims_dir)
    (args.build / "claims.json").write_text(json.dumps(report(rows, args.cells), indent=2) + "\n")
    block = table(rows, args.cells, runs)
    print(block)
    edge = sum(r["edge"] and r["pass"] for r in rows)
    print(f"\n{sum(r['pass'] for r in rows)} of {len(rows)} claims hold in every cell "
          f"({edge} at the edge); {time.perf_counter() - start:.0f} s")
    if args.readme:
        replace_block(args.readme, "claims", block)
    failed = [r for r in rows if not r["pass"]]
    raised = [s for by in runs.values() for s, r in by.items() if r["error"]]
    return 1 if failed or raised else 0


if __name__ == "__main__":
    sys.exit(main())
