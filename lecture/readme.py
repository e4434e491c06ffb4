"""Generated blocks of ``README.md`` (the run-time table, ``make readme``) and the block helper
the benchmark and claims scripts share for ``CONTRIBUTING.md``.

A generated block sits between two HTML comments, ``<!-- NAME:start -->`` and
``<!-- NAME:end -->``; only the text between them is rewritten.
"""

from __future__ import annotations

import re
from pathlib import Path


def replace_block(readme: Path, name: str, body: str) -> None:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->`` in ``readme``.

    Parameters
    ----------
    readme : pathlib.Path
    name : str
        Block name, e.g. ``"runtimes"``.
    body : str
        New Markdown for the block (without the markers).
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{readme} has no {start} ... {end} block")
    block = f"{start}\n{body.strip()}\n{end}"
    readme.write_text(pattern.sub(lambda _: block, text), encoding="utf-8")


def runtime_table(summary: dict, notebooks: list[Path]) -> str:
    """Markdown table of each notebook's default-mode wall time from ``results.json``."""
    rows = ["| # | notebook | wall time (s) | recorded numbers |", "|---|---|---:|---:|"]
    total, cpus = 0.0, set()
    for path in notebooks:
        entry = summary.get(path.stem)
        if entry and entry.get("mode", "default") == "default":
            total += entry["seconds"]
            cpus.add(entry.get("cpus"))
            rows.append(f"| {path.stem[:2]} | `{path.stem}` | {entry['seconds']:.1f} "
                        f"| {len(entry['numbers'])} |")
        else:
            rows.append(f"| {path.stem[:2]} | `{path.stem}` | not measured | |")
    rows.append(f"| | **total** | **{total:.1f}** | |")
    cores = ", ".join(f"{c}-core" for c in sorted(c for c in cpus if c)) or "unknown"
    return ("Wall time of each notebook from a fresh kernel (kernel start included), default\n"
            f"mode, CPU ({cores}), as measured by `make lecture`. Generated from\n"
            "`build/results.json` by `make readme`; do not edit by hand.\n\n" + "\n".join(rows))


def update_runtimes(readme: Path, summary: dict, notebooks: list[Path]) -> int:
    """Rewrite the ``runtimes`` block of ``readme`` with :func:`runtime_table`."""
    if not summary:
        raise SystemExit("no build/results.json yet: run `make lecture` first")
    replace_block(readme, "runtimes", runtime_table(summary, notebooks))
    print(f"updated the run-time table in {readme}")
    return 0
