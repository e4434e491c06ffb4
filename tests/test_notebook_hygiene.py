"""Committed notebooks: clean top-to-bottom outputs, no errors, no absolute paths, small, linted."""

import json
import re
import subprocess
import sys

import pytest
from conftest import NOTEBOOKS, ROOT

ABS_PATH = re.compile(r"(/root/|/home/|/Users/|/tmp/|/work/|[A-Z]:\\\\)")
NB_IDS = [p.stem for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name.startswith("01_")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_notebook_hygiene(path):
    size = path.stat().st_size
    assert size < 2_000_000, f"{path.name} is {size / 1e6:.1f} MB (limit 2 MB)"
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), "outputs are not from one clean top-to-bottom run"
    for i, cell in enumerate(nb["cells"]):
        assert "execution" not in cell.get("metadata", {}), f"cell {i}: timing metadata left in"
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"cell {i}: stored error {out.get('ename')}"
            text = json.dumps(out.get("text", "")) + json.dumps(out.get("data", {}).get("text/plain", ""))
            assert not ABS_PATH.search(text), f"cell {i}: absolute path in an output"
            assert "Warning" not in "".join(out.get("text", "")), f"cell {i}: a warning in the output"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_notebook_structure(path):
    """Markdown before every code cell, a title, slide metadata, exercises at the end."""
    nb = json.loads(path.read_text())
    cells = [{**c, "source": "".join(c["source"])} for c in nb["cells"]]
    assert cells[0]["cell_type"] == "markdown" and cells[0]["source"].startswith(f"# {path.name[:2]} ·")
    for i, cell in enumerate(cells):
        assert "slide_type" in cell["metadata"].get("slideshow", {}), f"cell {i}: no slide_type"
        if cell["cell_type"] == "code":
            assert i > 0 and cells[i - 1]["cell_type"] == "markdown", \
                f"cell {i}: code cell without markdown before it"
            lines = cell["source"].splitlines()
            assert len(lines) <= 30, f"cell {i} has {len(lines)} lines (one idea per cell)"
            assert "!pip" not in cell["source"], f"cell {i}: no installs inside notebooks"
            draws = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
            if draws and "ipywidgets" not in cell["source"]:
                assert lines[-1].strip() == "plt.show()", f"cell {i}: end plot cells with plt.show()"
    assert any("## Exercises" in c["source"] for c in cells if c["cell_type"] == "markdown")
    assert any("<details>" in c["source"] for c in cells if c["cell_type"] == "markdown")
    assert sum("NBVAL_CHECK_OUTPUT" in c["source"] for c in cells if c["cell_type"] == "code") >= 2


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_teaching_cells_carry_no_plumbing(path):
    """Numbers are recorded on a line of their own (never inside a print or an f-string), claims
    are checked by a line of their own, and no cell reads the environment."""
    nb = json.loads(path.read_text())
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        assert "os.environ" not in source and "getenv" not in source, f"cell {i} reads the environment"
        for line in source.splitlines():
            for call in ("results.record(", "results.check("):
                if call in line:
                    assert line.strip().startswith(call), f"cell {i}: {call[:-1]} inside another expression: {line.strip()}"


def test_ruff_clean():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "course_utils", "lecture", "tests", "notebooks", "benchmarks"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
