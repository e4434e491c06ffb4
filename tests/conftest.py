"""Shared test setup.

* Default (offline subset) mode for everything, including notebook kernels.
* ``make test`` runs pytest with ``-n 2 --dist loadfile``: each notebook's nbval cells
  stay together on one worker (they share a kernel). Tests that need a notebook's
  recorded numbers use ``notebook_numbers``; its executions are shared between the
  workers through a file cache, so each notebook runs at most once per run index.
"""

import json
import os
import pathlib
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def pytest_configure(config):
    # Stored notebook outputs are for the default mode; kernels inherit this environment.
    os.environ["COURSE_FULL"] = "0"
    os.environ.pop("COURSE_RESULTS_DIR", None)
    os.environ["COURSE_HEADLESS"] = "1"  # no progress bars, static figures instead of widgets
    # Two pytest workers each run a 2-thread kernel on 2 cores: let idle OpenMP threads sleep
    # instead of spinning (numerics are unchanged; only scheduling is).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if str(item.fspath).endswith(".ipynb") or "notebook_numbers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


class NotebookRuns:
    """Executes notebooks from fresh kernels, at most once per run index across all workers."""

    def __init__(self, folder: pathlib.Path):
        self.folder = folder

    def __call__(self, stem: str, run: int = 1) -> dict:
        """Numbers recorded by ``notebooks/<stem>.ipynb`` in its ``run``-th execution."""
        from filelock import FileLock

        from course_utils.lecture import execute

        out = self.folder / f"run{run}"
        out.mkdir(parents=True, exist_ok=True)
        done = out / f"{stem}.done"
        with FileLock(str(out / f"{stem}.lock")):  # another worker may be running it
            if not done.exists():
                path = ROOT / "notebooks" / f"{stem}.ipynb"
                assert path.exists(), f"no notebook {path}"
                execute(path, out)
                done.touch()
        rec = out / f"{stem}.json"
        return json.loads(rec.read_text()) if rec.exists() else {}


@pytest.fixture(scope="session")
def notebook_numbers(tmp_path_factory):
    """``notebook_numbers(stem, run=1)``: the dict a notebook recorded with ``Results.record``."""
    # pytest-xdist gives every worker of one run the same id; without xdist use a fresh folder
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run_id:
        folder = pathlib.Path(tempfile.gettempdir()) / f"course-notebook-runs-{run_id}"
    else:
        folder = tmp_path_factory.mktemp("notebook-runs")
    return NotebookRuns(folder)


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT
