"""Shared test setup.

* Default (offline subset) mode for everything, including notebook kernels.
* ``make test`` runs pytest with ``-n 2 --dist loadgroup``: each notebook's nbval
  cells stay together on one worker (they share a kernel), and every test that
  executes notebooks itself (``notebook_numbers``) runs on one worker, so each
  notebook is executed at most twice more per session.
"""

import json
import os
import pathlib
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NOTEBOOK_RUNS = "notebook_runs"   # xdist group of tests that execute notebooks


def pytest_configure(config):
    # Stored notebook outputs are for the default mode; kernels inherit this environment.
    os.environ["COURSE_FULL"] = "0"
    os.environ.pop("COURSE_RESULTS_DIR", None)
    # Two pytest workers each run a 2-thread kernel on 2 cores: let idle OpenMP threads sleep
    # instead of spinning (numerics are unchanged; only scheduling is).
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    for item in items:
        path = pathlib.Path(str(item.fspath))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(path.stem))
            item.add_marker(pytest.mark.slow)
        elif "notebook_numbers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group(NOTEBOOK_RUNS))
            item.add_marker(pytest.mark.slow)


class NotebookRuns:
    """Executes notebooks from fresh kernels (at most once per run index) and caches their numbers."""

    def __init__(self, folder: pathlib.Path):
        self.folder = folder
        self.cache: dict[tuple[str, int], dict] = {}

    def __call__(self, stem: str, run: int = 1) -> dict:
        """Numbers recorded by ``notebooks/<stem>.ipynb`` in its ``run``-th execution."""
        from course_utils.lecture import execute

        key = (stem, run)
        if key not in self.cache:
            path = ROOT / "notebooks" / f"{stem}.ipynb"
            assert path.exists(), f"no notebook {path}"
            out = self.folder / f"run{run}"
            execute(path, out)
            rec = out / f"{stem}.json"
            self.cache[key] = json.loads(rec.read_text()) if rec.exists() else {}
        return self.cache[key]


@pytest.fixture(scope="session")
def notebook_numbers():
    """``notebook_numbers(stem, run=1)``: the dict a notebook recorded with ``Results.record``."""
    with tempfile.TemporaryDirectory() as tmp:
        yield NotebookRuns(pathlib.Path(tmp))


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT
