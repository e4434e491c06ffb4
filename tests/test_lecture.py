"""The lecture runner's normalisation of executed notebooks."""

import nbformat
from conftest import NOTEBOOKS, ROOT

from course_utils.lecture import _merge_streams, find_notebooks, normalise


def stream(name, text):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_progress_bar_chunks_collapse_to_what_a_terminal_shows():
    outs = [stream("stderr", "\repochs:  50%| 1/2"), stream("stderr", "\repochs: 100%| 2/2"),
            stream("stdout", "a\n"), stream("stdout", "b\n"), stream("stderr", "\r      \r")]
    merged = _merge_streams(outs)
    assert [(o["name"], o["text"]) for o in merged] == [("stderr", "epochs: 100%| 2/2"), ("stdout", "a\nb\n")]


def test_normalise_drops_timestamps_and_sets_kernel():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", metadata={"execution": {"shell.execute_reply": "2026-01-01T00:00:00Z"}})])
    normalise(nb)
    assert "execution" not in nb.cells[0].metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_find_notebooks_in_order_and_by_prefix():
    assert find_notebooks(ROOT / "notebooks") == NOTEBOOKS
    assert [p.name[:2] for p in find_notebooks(ROOT / "notebooks", ["01"])] == ["01"]
