"""Execute the lecture notebooks and render them: ``python -m lecture``.

``make lecture`` calls this. Each notebook runs from a fresh kernel; the
executed copy goes to ``build/executed/``, its HTML page to ``build/html/``, its
reveal.js deck to ``build/slides/``, and its wall time plus the numbers it recorded
(see :class:`course_utils.Results`) to ``build/results.json``; ``build/html/index.html``
lists them all (see :mod:`lecture.site`; pages and decks work offline).
Nothing is written next to the notebooks unless ``--store`` is given (developers use
it to refresh the committed outputs). ``--readme`` runs nothing: it rewrites the
run-time table in ``README.md`` from ``build/results.json`` (``make readme``).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

from course_utils.config import RESULTS_ENV, full_mode
from lecture import cells, site, student
from lecture.readme import update_runtimes

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "python3"


def find_notebooks(folder: Path, only: list[str] | None = None) -> list[Path]:
    """Notebooks ``NN_*.ipynb`` in ``folder`` in lecture order, optionally filtered by prefix."""
    found = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if only:
        found = [p for p in found if any(p.name.startswith(o) for o in only)]
        if not found:
            raise SystemExit(f"no notebook in {folder} matches {only}")
    return found


def normalise(nb) -> None:
    """Drop per-run metadata (timestamps), merge consecutive output chunks of a stream
    (nbconvert's ``CoalesceStreamsPreprocessor``) and drop empty ones, so an unchanged
    notebook re-executes to the same, small file."""
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    CoalesceStreamsPreprocessor().preprocess(nb, {})
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if o.get("output_type") != "stream" or o["text"].strip()]
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python",
                                 "name": KERNEL}
    nb.metadata.pop("widgets", None)


def execute(path: Path, results_dir: Path | None, *, timeout: int = 600):
    """Run one notebook top to bottom in a fresh kernel; return (notebook, wall seconds).

    Each code cell's run time is kept in its ``metadata.course.seconds`` (see
    :mod:`lecture.cells`; :func:`cells.drop_seconds` removes them before storing).
    """
    import tempfile

    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    old = os.environ.get(RESULTS_ENV)
    os.environ.setdefault("COURSE_HEADLESS", "1")  # no progress bars or live widgets stored
    if results_dir is not None:
        os.environ[RESULTS_ENV] = str(results_dir)
    try:
        start = time.perf_counter()
        # local sockets (IPC) rather than TCP: nothing listens on the network, and ipykernel
        # prints no "running over TCP without encryption" warning
        with tempfile.TemporaryDirectory(prefix="lecture-kernel-") as sockets:
            km = KernelManager(kernel_name=KERNEL, transport="ipc", ip=f"{sockets}/kernel")
            try:
                NotebookClient(nb, km=km, timeout=timeout,
                               resources={"metadata": {"path": str(path.parent)}}).execute()
            finally:  # nbclient leaves a kernel it did not start running
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
        seconds = time.perf_counter() - start
    finally:
        if old is None:
            os.environ.pop(RESULTS_ENV, None)
        else:
            os.environ[RESULTS_ENV] = old
    for cell in nb.cells:  # each code cell's run time, for the deck's speaker notes
        cells.record_seconds(cell)
    normalise(nb)
    return nb, seconds


def render(nb, stem: str, build: Path) -> None:
    """Write notebook ``nb``'s page to ``build/html/<stem>.html`` and its deck to
    ``build/slides/<stem>.slides.html`` (the assets must be in ``build/assets``)."""
    site.render_page(nb, build / "html" / f"{stem}.html", build)
    site.render_deck(nb, build / "slides" / f"{stem}.slides.html", build)


def summary_entry(stem: str, seconds: float, results_dir: Path) -> dict:
    """A notebook's line in ``results.json``: wall time, the numbers and the claims it recorded
    in ``results_dir`` (claims: key -> claim, op, goal, value, pass), the mode and the
    machine's CPU count."""
    rec, claims = results_dir / f"{stem}.json", results_dir / f"{stem}.claims.json"
    numbers = json.loads(rec.read_text()) if rec.exists() else {}
    return {"seconds": round(seconds, 1), "numbers": numbers,
            "claims": json.loads(claims.read_text()) if claims.exists() else {},
            "mode": "full" if full_mode() else "default", "cpus": os.cpu_count()}


def copy_seconds(source, target) -> None:
    """Copy the measured run times of ``source``'s code cells to the cells of ``target`` with
    the same id and code."""
    timed = {(c.get("id"), c.source): cells.seconds(c) for c in source.cells if c.cell_type == "code"}
    for cell in target.cells:
        value = timed.get((cell.get("id"), cell.source)) if cell.cell_type == "code" else None
        if value is not None:
            cell.metadata.setdefault("course", {})[cells.SECONDS_KEY] = value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="notebook prefixes to run, e.g. 01 02 (default: all)")
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--build", type=Path, default=ROOT / "build")
    parser.add_argument("--store", action="store_true",
                        help="write the executed outputs back into notebooks/ (developers)")
    parser.add_argument("--no-html", action="store_true", help="skip pages, decks and index")
    parser.add_argument("--no-execute", action="store_true",
                        help="render the notebooks' stored outputs; numbers from --results")
    parser.add_argument("--results", type=Path, default=None,
                        help="folder of recorded numbers (default: BUILD/results)")
    parser.add_argument("--readme", nargs="?", const=ROOT / "README.md", type=Path,
                        metavar="README",
                        help="run nothing; rewrite README's run-time table from results.json")
    args = parser.parse_args(argv)
    build = args.build.resolve()
    summary_path = build / "results.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    if args.readme:
        return update_runtimes(args.readme, summary, find_notebooks(args.notebooks))

    import nbformat

    results_dir = (args.results or build / "results").resolve()
    for sub in ("executed", "html", "slides", "results"):
        (build / sub).mkdir(parents=True, exist_ok=True)
    if not args.no_html:
        site.copy_assets(build)
    for path in find_notebooks(args.notebooks, args.only):
        stem = path.stem
        if args.no_execute:
            nb, seconds = nbformat.read(path, as_version=4), summary.get(stem, {}).get("seconds", 0.0)
            last_run = build / "executed" / path.name
            if last_run.exists():  # the run times of the last execution, where the code is unchanged
                copy_seconds(nbformat.read(last_run, as_version=4), nb)
        else:
            for old in results_dir.glob(f"{stem}.*json"):
                old.unlink()
            print(f"running {path.name} ...", flush=True)
            nb, seconds = execute(path, results_dir)
        nbformat.write(nb, build / "executed" / path.name)
        if args.store:
            stored = copy.deepcopy(nb)
            cells.drop_seconds(stored)  # run times differ run to run: not in the sources
            nbformat.write(stored, path)
        if not args.no_html:
            render(nb, stem, build)
        summary[stem] = summary_entry(stem, seconds, results_dir)
    summary = dict(sorted(summary.items()))
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    if not args.no_html:
        index = site.write_index(build, find_notebooks(args.notebooks), summary)
        edition = student.write_edition(find_notebooks(args.notebooks), build / "student")
        print(f"site: {index}  decks: {build / 'slides'}  student edition: {edition}")
    print_summary(summary)
    return 0


def print_summary(summary: dict) -> None:
    """Print one line per notebook: wall time and how many numbers it recorded."""
    width = max((len(k) for k in summary), default=10)
    print(f"\n{'notebook':<{width}}  {'seconds':>7}  numbers")
    for name, entry in summary.items():
        keys = ", ".join(list(entry["numbers"])[:4])
        more = "" if len(entry["numbers"]) <= 4 else ", ..."
        print(f"{name:<{width}}  {entry['seconds']:>7.1f}  {keys}{more}")
    total = sum(e["seconds"] for e in summary.values())
    print(f"{'total':<{width}}  {total:>7.1f}")


if __name__ == "__main__":
    sys.exit(main())
