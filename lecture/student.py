"""The student edition, ``build/student/``: the notebooks to work through, nothing given away.

Each notebook is copied with its outputs and execution counts cleared, its exercise solutions
(the ``<details>`` blocks of markdown cells) removed while the exercises stay, its instructor
asides (cells tagged ``instructor``) removed, and the build's own metadata (run times) dropped.
A README (``templates/student_README.md``) says how to install and run. The notebooks import
only the installed ``course_utils`` and read no file of the repository, so the folder runs
anywhere once ``pip install <repo>`` is done (``tests/test_student_edition.py`` runs a copy in a
fresh environment, offline).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from lecture import cells
from lecture.site import TEMPLATES, describe

SOLUTIONS = re.compile(r"\n*[ \t]*<details>.*?</details>[ \t]*", re.S)
NO_SOLUTIONS = "\n\n*The solutions are not part of the student edition: ask your instructor.*"


def student_copy(nb):
    """A student's copy of notebook ``nb``: outputs cleared, solutions and asides removed.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A lecture notebook (left as it is).

    Returns
    -------
    nb : nbformat.NotebookNode
        The copy: no ``instructor`` cell; markdown without ``<details>`` blocks (a line
        saying the solutions are not included takes their place); code cells without outputs,
        execution counts or measured run times.
    """
    import copy

    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not cells.is_instructor(c)]
    cells.drop_seconds(nb)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "<details>" in cell.source:
            cell.source = SOLUTIONS.sub("", cell.source).rstrip() + NO_SOLUTIONS
        elif cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("widgets", None)
    return nb


def write_edition(notebooks: list[Path], folder: Path) -> Path:
    """Write the student edition of ``notebooks`` (in lecture order) to ``folder``.

    Parameters
    ----------
    notebooks : list of pathlib.Path
    folder : pathlib.Path
        Emptied first (it holds nothing but the edition).

    Returns
    -------
    folder : pathlib.Path
    """
    import nbformat

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    lines = []
    for path in notebooks:
        nbformat.write(student_copy(nbformat.read(path, as_version=4)), folder / path.name)
        title, _ = describe(path)
        lines.append(f"{len(lines) + 1}. `{path.name}`: {title}")
    readme = (TEMPLATES / "student_README.md").read_text(encoding="utf-8")
    (folder / "README.md").write_text(readme.replace("{notebooks}", "\n".join(lines)), encoding="utf-8")
    return folder
