"""The claims matrix: every claim of every notebook, over other splits, seeds and data sizes.

    .venv/bin/python benchmarks/claims.py --readme        # = make claims
    .venv/bin/python benchmarks/claims.py --cells shipped split1 --notebooks 02 04

Each notebook checks its claims with ``results.check(...)`` (``course_utils.Results``), which
records the measured value, the comparison and the goal in ``<notebook>.claims.json``. This
script executes every notebook from a fresh kernel in every cell of the matrix:

* ``shipped``: the default split of the 5,000-image subset (``COURSE_SPLIT_SEED=0``);
* ``split1`` ... ``split4``: other stratified 4,000 / 1,000 re-splits (``COURSE_SPLIT_SEED=1..4``),
  so other real digits are held out; the same variable shifts the seed that
  ``cu.seed_everything`` sets, so every model also starts from other random weights;
* ``full10k`` and ``full60k``: full mode (``COURSE_FULL=1``) on generated MNIST files of
  10,000 / 2,000 and 60,000 / 10,000 images (``benchmarks/mnist_idx.py``), offline.

It writes ``build/claims.json``: one object per claim, ``{"notebook", "key", "claim", "op", "goal",
"worst", "pass", "values"}`` with ``worst`` the least favourable value over all cells and ``pass``
true only if the claim held in every cell and no notebook raised; ``--readme`` also rewrites the
``claims`` block of README.md. Two kernels run side by side (``--jobs``), one thread each
(``COURSE_THREADS=1``): the thread count is one more thing a claim must not depend on.
Exit status 1 if any claim failed or any notebook raised.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BUILD, ROOT, notebooks, offline_env, replace_block  # noqa: E402

from course_utils.checks import passes  # noqa: E402

CELLS = {
    "shipped": {"COURSE_SPLIT_SEED": "0"},
    **{f"split{s}": {"COURSE_SPLIT_SEED": str(s)} for s in range(1, 5)},
    "full10k": {"COURSE_FULL": "1", "sizes": (10_000, 2_000)},
    "full60k": {"COURSE_FULL": "1", "sizes": (60_000, 10_000)},
}
LOWER_IS_BETTER = {"<", "<="}


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


def run_matrix(cells: list[str], stems: list[Path], jobs: int, threads: int, work: Path) -> dict:
    """Execute every notebook in every cell; {cell: {stem: {"seconds", "error"}}}."""
    runs, todo = {}, []
    for cell in cells:
        settings = dict(CELLS[cell])
        env = {**os.environ, "COURSE_THREADS": str(threads), "COURSE_HEADLESS": "1",
               "COURSE_FULL": "0", "PYTHONPATH": offline_env()}
        env.pop("COURSE_SPLIT_SEED", None)
        sizes = settings.pop("sizes", None)
        env.update(settings)
        if sizes:
            from mnist_idx import generate_full_mnist

            data = work / f"data_{cell}"
            generate_full_mnist(data, *sizes)
            env["COURSE_DATA_DIR"] = str(data)
        out = BUILD / "claims" / cell
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


def collect(cells: list[str], stems: list[Path], runs: dict) -> list[dict]:
    """One row per claim, with its value in every cell, the worst value and the verdict."""
    rows: dict[tuple[str, str], dict] = {}
    for cell in cells:
        for path in stems:
            folder = BUILD / "claims" / cell
            claims_file = folder / f"{path.stem}.claims.json"
            numbers_file = folder / f"{path.stem}.json"
            claims = json.loads(claims_file.read_text()) if claims_file.exists() else {}
            numbers = json.loads(numbers_file.read_text()) if numbers_file.exists() else {}
            for key, spec in claims.items():
                row = rows.setdefault((path.stem, key), {
                    "notebook": path.stem, "key": key, "claim": spec["claim"], "op": spec["op"],
                    "goal": spec["goal"], "values": {}})
                row["values"][cell] = numbers.get(key)
    out = []
    for (stem, _), row in sorted(rows.items()):
        values = [v for v in row["values"].values() if v is not None]
        pick = max if row["op"] in LOWER_IS_BETTER else min
        row["worst"] = pick(values) if values else None
        ran_everywhere = all(not runs.get(c, {}).get(stem, {}).get("error") for c in cells)
        row["pass"] = bool(ran_everywhere and len(values) == len(cells)
                           and all(passes(v, row["op"], row["goal"]) for v in values))
        out.append(row)
    return out


def table(rows: list[dict], cells: list[str], runs: dict) -> str:
    """The README block: one line per claim (worst over the matrix) and the matrix it ran."""
    lines = ["<!-- generated by `make claims`; do not edit by hand -->",
             f"Matrix: {', '.join(cells)} (see `benchmarks/claims.py`); "
             f"measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.", "",
             "| notebook | claim | worst | goal | holds |", "|---|---|---:|---|---|"]
    for row in rows:
        worst = "n/a" if row["worst"] is None else f"{row['worst']:g}"
        claim = row["claim"].replace("|", "\\|")
        lines.append(f"| {row['notebook'][:2]} | {claim} | {worst} | {row['op']} {row['goal']:g} "
                     f"| {'yes' if row['pass'] else '**no**'} |")
    errors = [(c, s, r["error"]) for c, by in runs.items() for s, r in by.items() if r["error"]]
    for cell, stem, error in errors:
        lines.append(f"\n**{stem} raised in {cell}:** `{error}`")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", nargs="*", default=list(CELLS), choices=list(CELLS))
    parser.add_argument("--notebooks", nargs="*", default=None, help="prefixes, e.g. 02 04")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--readme", action="store_true")
    parser.add_argument("--collect-only", action="store_true",
                        help="run nothing: rebuild claims.json (and the README) from build/claims/")
    args = parser.parse_args(argv)
    stems = notebooks(args.notebooks)
    start = time.perf_counter()
    runs_file = BUILD / "claims" / "runs.json"
    if args.collect_only:
        runs = json.loads(runs_file.read_text())
    else:
        with tempfile.TemporaryDirectory(prefix="claims_data_") as tmp:
            new = run_matrix(args.cells, stems, args.jobs, args.threads, Path(tmp))
        runs = json.loads(runs_file.read_text()) if runs_file.exists() else {}
        for cell, by_stem in new.items():  # keep earlier runs of other notebooks
            runs.setdefault(cell, {}).update(by_stem)
        runs_file.write_text(json.dumps(runs, indent=2) + "\n")
    rows = collect(args.cells, stems, runs)
    (BUILD / "claims.json").write_text(json.dumps(rows, indent=2) + "\n")
    print(table(rows, args.cells, runs))
    print(f"\n{sum(r['pass'] for r in rows)} of {len(rows)} claims hold in every cell; "
          f"{time.perf_counter() - start:.0f} s")
    if args.readme:
        replace_block(ROOT / "README.md", "claims", table(rows, args.cells, runs))
    failed = [r for r in rows if not r["pass"]]
    raised = [s for by in runs.values() for s, r in by.items() if r["error"]]
    return 1 if failed or raised else 0


if __name__ == "__main__":
    sys.exit(main())
