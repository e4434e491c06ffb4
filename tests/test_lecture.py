"""The lecture build without a browser: output normalisation, README blocks, notebook summaries."""

import json

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT

from lecture import readme, run
from lecture.site import describe


def stream(name, text):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_stream_chunks_merge_and_empty_ones_go():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", outputs=[
        stream("stdout", "a\n"), stream("stdout", "b\n"), stream("stderr", ""), stream("stderr", "  \n")])])
    run.normalise(nb)
    assert [(o["name"], o["text"]) for o in nb.cells[0].outputs] == [("stdout", "a\nb\n")]


def test_normalise_drops_timestamps_and_sets_kernel():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1", metadata={"execution": {"shell.execute_reply": "2026-01-01T00:00:00Z"}})])
    run.normalise(nb)
    assert "execution" not in nb.cells[0].metadata
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_find_notebooks_in_order_and_by_prefix():
    assert run.find_notebooks(ROOT / "notebooks") == NOTEBOOKS
    assert [p.name[:2] for p in run.find_notebooks(ROOT / "notebooks", ["01"])] == ["01"]


SUMMARY = {
    "01_a": {"seconds": 12.34, "numbers": {"x": 1.0, "y": 2}, "mode": "default", "cpus": 2},
    "02_b": {"seconds": 99.0, "numbers": {}, "mode": "full", "cpus": 2},
}


def test_runtime_table_uses_default_mode_only(tmp_path):
    notebooks = [tmp_path / f"{stem}.ipynb" for stem in ("01_a", "02_b", "03_c")]
    table = readme.runtime_table(SUMMARY, notebooks)
    assert "| 01 | `01_a` | 12.3 | 2 |" in table
    assert "| 02 | `02_b` | not measured | |" in table  # full-mode times stay out
    assert "| 03 | `03_c` | not measured | |" in table
    assert "**total** | **12.3**" in table and "2-core" in table


def test_update_readme_rewrites_only_the_block(tmp_path):
    (tmp_path / "nb").mkdir()
    (tmp_path / "nb" / "01_a.ipynb").write_text("{}")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "results.json").write_text(json.dumps(SUMMARY))
    path = tmp_path / "README.md"
    path.write_text("intro\n<!-- runtimes:start -->\nold\n<!-- runtimes:end -->\noutro\n")
    args = ["--readme", str(path), "--build", str(tmp_path / "build"), "--notebooks", str(tmp_path / "nb")]
    assert run.main(args) == 0
    first = path.read_text()
    assert first.startswith("intro\n<!-- runtimes:start -->\n") and first.endswith("outro\n")
    assert "old" not in first and "| 01 | `01_a` | 12.3 | 2 |" in first
    assert run.main(args) == 0 and path.read_text() == first  # idempotent
    path.write_text("no markers\n")
    with pytest.raises(SystemExit, match="runtimes:start"):
        run.main(args)


def test_describe_gives_title_and_summary():
    for path in NOTEBOOKS:
        title, summary = describe(path)
        assert title and not title[:2].isdigit(), (path.name, title)
        assert summary and "Setup" not in summary.split(" · "), (path.name, summary)


def test_templates_are_files_and_reveal_is_vendored():
    from lecture import site

    names = {p.name for p in site.TEMPLATES.iterdir()}
    assert {"course_page.html.j2", "course_deck.html.j2", "index.html.j2", "deck.css"} <= names
    assert (site.REVEAL_DIR / "dist" / "reveal.js").read_text().count(site.REVEAL_VERSION) >= 1
    assert (site.REVEAL_DIR / "LICENSE").exists()


def test_index_claim_rows_keep_the_checked_order(tmp_path, monkeypatch):
    """The index lists each notebook's claims in the order its check cells checked them, with verdicts."""
    import course_utils as cu
    from lecture.site import claim_rows

    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    results = cu.Results("01_a")
    results.check({"zeta": ("first claim", 0.5, "< 1"), "alpha": ("second claim", 2.0, "< 1")})
    rows = claim_rows(json.loads((tmp_path / "01_a.claims.json").read_text()))
    assert [(r["claim"], r["measured"], r["goal"], r["holds"]) for r in rows] == [
        ("first claim", "0.5", "< 1", True), ("second claim", "2", "< 1", False)]
