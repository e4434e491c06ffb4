"""Two editions from one source: instructor asides, run times and formatting cells in the decks;
the pages without asides; the student edition (``build/student/``).

The out-of-repository run of the student edition (a wheel of the repository installed into a fresh
virtual environment, every notebook executed offline by nbclient from a folder outside the
repository) takes minutes, so it is marked ``repeat`` and runs in ``make check-repeat``.
"""

import os
import re
import subprocess
import sys

import nbformat
import pytest
from conftest import NOTEBOOKS, ROOT
from nbformat import v4

from course_utils.checks import FAIL, PASS
from lecture import cells, deck, run, student
from lecture import site as lecture_site

# a shown code cell is at least this much idea: more formatting than that is hidden or split
MAX_FORMATTING_SHARE = 0.5


def _cell(make, source, kind="-", tags=(), **kw):
    c = make(source, **kw)
    c.metadata["slideshow"] = {"slide_type": kind}
    if tags:
        c.metadata["tags"] = list(tags)
    return c


def test_formatting_only_tells_printing_from_the_idea():
    assert cells.formatting_only('print(f"MSE {mse:.3f}")')
    assert cells.formatting_only("# NBVAL_CHECK_OUTPUT\nfor k, v in rows.items():\n"
                                 "    print(f\"{k:>8} {v:.3f}\")\nresults.check({'a': ('x', a, '< 1')})")
    assert cells.formatting_only("cu.Table(rows, index='model')")
    assert cells.formatting_only('line = f"{a:.2f}" + " | "\nprint(line)')
    assert not cells.formatting_only("loss = F.mse_loss(model(x), x)\nprint(f'{loss:.3f}')")
    assert not cells.formatting_only("history = cu.fit(model, loss_fn, x_train)")
    assert not cells.formatting_only('ratio = f"{a:.2f}" if fit(model) else ""')  # calls fit
    assert cells.formatting_only("fig, axes = plt.subplots(1, 2)\nfor ax in axes:\n    ax.plot(x, y)\n"
                                 "cu.plot_images(x, ax=axes[0])\nplt.show()")
    assert not cells.formatting_only("z = model.encoder(x)\nfig = cu.plot_latent(z, y)\nplt.show()")
    assert not cells.formatting_only("") and not cells.formatting_only("def (:")
    assert cells.formatting_share("z = encode(x)\nprint(z)\nprint(z.mean())") == pytest.approx(2 / 3)


def test_run_times_come_from_the_kernel_stamps_and_stay_out_of_the_sources():
    cell = v4.new_code_cell("x = 1", metadata={"execution": {
        "iopub.execute_input": "2026-01-01T00:00:01.000Z", "shell.execute_reply": "2026-01-01T00:00:03.260Z"}})
    cells.record_seconds(cell)
    assert cells.seconds(cell) == 2.3
    assert "2.3 s" in cells.run_time_note([2.3]) and "under 0.1 s" in cells.run_time_note([0.01])
    assert "setup cells" in cells.run_time_note([1.0, 2.3], hidden=True)
    assert "not measured" in cells.run_time_note([None])
    nb = v4.new_notebook(cells=[cell])
    run.normalise(nb)
    cells.drop_seconds(nb)
    assert "course" not in nb.cells[0].metadata and "execution" not in nb.cells[0].metadata


def _tiny():
    printed = v4.new_output("stream", name="stdout", text="a  0.500\n")
    return v4.new_notebook(cells=[
        _cell(v4.new_markdown_cell, "# Title\n\nIntro.", "slide"),
        _cell(v4.new_markdown_cell, "**Instructor:** ask the room first.", "notes", ["instructor"]),
        _cell(v4.new_code_cell, "import os", "skip", metadata={"course": {"seconds": 1.5}}),
        _cell(v4.new_markdown_cell, "## Model\n\nThe loss:", "slide"),
        _cell(v4.new_code_cell, "loss = ((model(x) - x) ** 2).mean()", metadata={"course": {"seconds": 0.4}}),
        _cell(v4.new_code_cell, 'print(f"a  {0.5:.3f}")', outputs=[printed],
              metadata={"course": {"seconds": 0.0}}),
        _cell(v4.new_markdown_cell, "## Exercises\n\n1. Do it.\n\n<details>\n<summary>Solutions</summary>"
              "\n\n1. Done.\n</details>", "slide"),
    ])


def test_deck_puts_asides_and_run_times_in_the_notes_and_hides_formatting_code():
    out, _ = deck.DeckLayout().preprocess(_tiny(), {})
    notes = [c.source for c in out.cells if c.metadata.slideshow.slide_type == "notes"]
    assert any("ask the room" in n for n in notes), notes
    assert any("Run time (with the setup cells before it, which the deck does not show): 1.9 s" in n
               for n in notes), notes
    assert any("Run time: under 0.1 s" in n for n in notes), notes
    code = [c for c in out.cells if c.cell_type == "code"]
    assert any("loss =" in c.source for c in code)
    printing = next(c for c in code if c.outputs)
    assert printing.metadata.get("transient", {}).get("remove_source"), "formatting code shown"


def test_page_leaves_out_the_asides(tmp_path):
    out = tmp_path / "html" / "01_a.html"
    lecture_site.render_page(_tiny(), out, tmp_path)
    text = out.read_text()
    assert "ask the room" not in text and "The loss:" in text


def test_student_copy_keeps_exercises_and_drops_outputs_solutions_and_asides():
    nb = student.student_copy(_tiny())
    text = "\n".join(c.source for c in nb.cells)
    assert "ask the room" not in text and "<details>" not in text and "Done." not in text
    assert "1. Do it." in text and "not part of the student edition" in text
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in nb.cells
               if c.cell_type == "code")
    assert all("course" not in c.metadata for c in nb.cells)


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    return student.write_edition(NOTEBOOKS, tmp_path_factory.mktemp("student"))


def test_student_edition_of_the_lecture(edition):
    """8 notebooks, no stored output, no solution text, no instructor cell; a README."""
    names = sorted(p.name for p in edition.glob("*.ipynb"))
    assert names == [p.name for p in NOTEBOOKS]
    readme = (edition / "README.md").read_text()
    assert "pip install" in readme and "jupyter lab" in readme and all(n in readme for n in names)
    for path in NOTEBOOKS:
        nb = nbformat.read(edition / path.name, as_version=4)
        source = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells)
        assert "<summary>Solutions" not in text and "<details>" not in text, path.name
        assert not any(cells.is_instructor(c) for c in nb.cells), path.name
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name
        assert "## Exercises" in text, path.name
        code = [c.source for c in source.cells if c.cell_type == "code"]
        assert [c.source for c in nb.cells if c.cell_type == "code"] == code, path.name  # same code


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem[:2] for p in NOTEBOOKS])
def test_deck_asides_run_times_and_no_formatting_code(path):
    """The real decks: every instructor aside in the notes, a run-time line for each code cell,
    and no shown code cell that is mostly formatting (it shows its output alone instead)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.metadata.setdefault("course", {})["seconds"] = 0.3
    out, _ = deck.DeckLayout().preprocess(nb, {})
    notes = "\n".join(c.source for c in out.cells if c.metadata.slideshow.slide_type == "notes")
    for aside in (c for c in nb.cells if cells.is_instructor(c)):
        assert aside.source in notes, aside.source[:80]
    assert notes.count("Run time") == sum(c.cell_type == "code" and not _skipped(c) for c in nb.cells)
    shown = {}  # the source cell's id -> its code shown in the deck
    for c in out.cells:
        if c.cell_type == "code" and c.source:
            key = c.id.rsplit("-d", 1)[0]
            shown[key] = shown.get(key, "") + c.source + "\n"
    heavy = {k: round(cells.formatting_share(s), 2) for k, s in shown.items()
             if cells.formatting_share(s) > MAX_FORMATTING_SHARE}
    assert not heavy, f"{path.name}: deck shows formatting code (cell id: share) {heavy}"


def _skipped(cell):
    return (cell.metadata.get("slideshow", {}).get("slide_type") == "skip"
            or deck.SKIP_TAG in cell.metadata.get("tags", []))


@pytest.mark.repeat
@pytest.mark.slow
def test_student_edition_runs_outside_the_repository(edition, tmp_path):
    """A copy of build/student/ outside the repository, in a fresh virtual environment that has
    only the repository's wheel (not editable) and nbclient; every notebook runs top to bottom
    with no network (proxies pointed at a closed port) and no COURSE_* settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    env.update(HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               COURSE_HEADLESS="1", PYTHONNOUSERSITE="1")
    wheels, venv = tmp_path / "wheels", tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(wheels), str(ROOT)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    wheel = next(wheels.glob("course_utils-*.whl"))
    # the pinned versions; from pip's cache or a local index (the registries are reachable to pip)
    pip_env = {k: v for k, v in env.items() if "proxy" not in k.lower()}
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-compile", "-c", str(ROOT / "constraints.txt"),
                    str(wheel), "nbclient"], check=True, env=pip_env)
    work = tmp_path / "course"
    subprocess.run(["cp", "-r", str(edition), str(work)], check=True)
    script = ("import sys, nbformat\nfrom nbclient import NotebookClient\n"
              "for name in sys.argv[1:]:\n"
              "    nb = nbformat.read(name, as_version=4)\n"
              "    NotebookClient(nb, timeout=600, kernel_name='python3',"
              " resources={'metadata': {'path': '.'}}).execute()\n"
              "    print('ran', name, flush=True)\n")
    names = sorted(p.name for p in work.glob("*.ipynb"))
    done = subprocess.run([str(py), "-c", script, *names], cwd=work, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert done.stdout.count("ran ") == len(NOTEBOOKS), done.stdout


_NUMBER = re.compile(r"(?<![\w.])[-+]?\d+\.\d+")
_COLUMNS = re.compile(r"\s{2,}")  # aligned columns are set apart by two or more spaces


def text_tables(nb) -> list[str]:
    """Printed outputs of ``nb`` that are tables of numbers set as monospaced text: three or more
    lines with a decimal number in columns set apart by two or more spaces (verdict lines of
    check cells do not count)."""
    found = []
    for c in nb.cells:
        for o in c.get("outputs", []) if c.cell_type == "code" else []:
            text = o.get("text", "") if o.get("output_type") == "stream" else ""
            rows = [x for x in text.splitlines() if not x.lstrip().startswith((PASS, FAIL))
                    and _NUMBER.search(x) and len(_COLUMNS.split(x.strip())) >= 2]
            if len(rows) >= 3:
                found.append(f"cell {c.get('id')}: {rows[0].strip()[:70]}")
    return found


def test_text_tables_are_found():
    table = v4.new_output("stream", name="stdout", text="k  a  b\n1  0.1  0.2\n2  0.3  0.4\n3  0.5  0.6\n")
    verdicts = v4.new_output("stream", name="stdout", text="".join(
        f"{PASS} claim {i} — measured 0.{i}, goal < 1.5\n" for i in range(5)))
    nb = v4.new_notebook(cells=[v4.new_code_cell("t", outputs=[table]), v4.new_code_cell("v", outputs=[verdicts])])
    assert len(text_tables(nb)) == 1


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem[:2] for p in NOTEBOOKS])
def test_tables_of_numbers_are_tables(path):
    """No table of numbers is printed as monospaced text: cu.Table renders it as an HTML table in
    JupyterLab, the pages and the decks."""
    assert not text_tables(nbformat.read(path, as_version=4))
