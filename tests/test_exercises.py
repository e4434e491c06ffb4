"""Every exercise solution runs as written after its notebook.

The solutions sit in a markdown cell (``<summary>Solutions</summary>``); each fenced
```` ```python ```` block in it is appended, in order, as a code cell after the notebook, and the
whole notebook runs from a fresh kernel. The printed output of the solution cells goes to
``build/exercises/<notebook>.txt``, where the numbers a solution quotes can be read back.
These tests execute every notebook once more, so they belong to ``make check-repeat``
(marker ``exercises``), not to ``make test``.
"""

import re
import textwrap

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT

FENCE = re.compile(r"^([ \t]*)(?:\d+\.[ \t]+)?```python[ \t]*\n(.*?)^[ \t]*```", re.M | re.S)


def solution_blocks(nb) -> list[str]:
    """The ```python blocks of the notebook's solutions cell, dedented."""
    cells = [c.source for c in nb.cells if c.cell_type == "markdown" and "<summary>Solutions" in c.source]
    assert len(cells) == 1, "expected one markdown cell with <summary>Solutions</summary>"
    return [textwrap.dedent(m.group(2)) for m in FENCE.finditer(cells[0])]


def test_fence_pattern_finds_indented_blocks_in_lists():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "<details><summary>Solutions</summary>\n\n1. Try:\n   ```python\n   x = 1\n   print(x)\n   ```\n"
        "2. ```python\n   y = 2\n   ```\n</details>")])
    assert solution_blocks(nb) == ["x = 1\nprint(x)\n", "y = 2\n"]


@pytest.mark.exercises
@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_solutions_run_after_the_notebook(path, tmp_path):
    from lecture.run import execute

    nb = nbformat.read(path, as_version=4)
    blocks = solution_blocks(nb)
    assert blocks, f"{path.name}: no ```python block in the solutions"
    first = len(nb.cells)
    nb.cells += [nbformat.v4.new_code_cell(block) for block in blocks]
    copy = tmp_path / path.name
    nbformat.write(nb, copy)
    executed, _ = execute(copy, tmp_path / "results")   # raises if any cell fails
    lines = []
    for i, cell in enumerate(executed.cells[first:], 1):
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        lines.append(f"--- solution block {i}\n{cell.source}\n>>>\n{text}")
    out = ROOT / "build" / "exercises"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{path.stem}.txt").write_text("\n".join(lines))
