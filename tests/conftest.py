"""Shared test setup.

``make test`` runs pytest twice, so each notebook executes once:

1. ``-m "not notebook_results"``: unit tests and every notebook under nbval (``--dist loadfile``
   keeps a notebook's cells on one worker). The kernels inherit ``COURSE_RESULTS_DIR`` =
   ``build/test-results`` and record their numbers and claims there.
2. ``-m notebook_results``: the goal tests read those records (``notebook_numbers``,
   ``notebook_claims``) and the site test renders the notebooks.

A test of the second kind run on its own (``pytest tests/test_goals_04_05.py``) executes the
notebook itself when its record is missing or older than the notebook. Tests marked ``repeat``
execute notebooks again (``make check-repeat``; not part of ``make test``).
"""

import json
import os
import pathlib
import shutil
from collections.abc import Callable

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
RESULTS = ROOT / "build" / "test-results"
RESULT_FIXTURES = {"notebook_numbers", "notebook_claims", "site"}


def pytest_configure(config):
    # Stored notebook outputs are for the default mode and split; kernels inherit this environment.
    os.environ["COURSE_FULL"] = "0"
    os.environ.pop("COURSE_SPLIT_SEED", None)
    os.environ["COURSE_HEADLESS"] = "1"  # no progress bars, static figures instead of widgets
    os.environ["COURSE_RESULTS_DIR"] = str(RESULTS)
    # Two pytest workers run two kernels at once on 2 cores: one thread each (PyTorch and BLAS,
    # see cu.set_threads) instead of the lecture's 2, so no thread waits for a core the other
    # kernel holds (measured here: `make test`'s notebook pass 150 s -> 104 s). The checked cells
    # compare verdicts, not trained-model values, and the claims hold at 1 thread as at 2
    # (`make claims` runs at 1). Idle OpenMP threads sleep instead of spinning.
    os.environ.setdefault("COURSE_THREADS", "1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def pytest_collection_modifyitems(config, items):
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if str(item.fspath).endswith(".ipynb") or fixtures & (RESULT_FIXTURES | {"notebook_runs"}):
            item.add_marker(pytest.mark.slow)
        if fixtures & RESULT_FIXTURES:
            item.add_marker(pytest.mark.notebook_results)
        if "notebook_runs" in fixtures:
            item.add_marker(pytest.mark.repeat)


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> pathlib.Path:
    """A folder that every pytest-xdist worker of this test run shares.

    Parameters
    ----------
    tmp_path_factory : pytest.TempPathFactory
        The worker's.
    name : str
        The folder is ``<name>-<run id>`` beside the workers' temporary folders; without xdist,
        a fresh temporary ``<name>N``.

    Returns
    -------
    pathlib.Path
        The folder, made.
    """
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same for every worker of one run
    if not run_id:
        return tmp_path_factory.mktemp(name)
    folder = pathlib.Path(tmp_path_factory.getbasetemp()).parent / f"{name}-{run_id}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def once(lock: pathlib.Path, done: pathlib.Path, make: Callable[[], object], *,
         source: pathlib.Path | None = None) -> None:
    """Make something once for all test workers: the first makes it, the others wait for it.

    Parameters
    ----------
    lock : pathlib.Path
        A file lock held while checking and making.
    done : pathlib.Path
        ``make`` is not called when this file exists (and is newer than ``source``). Without
        ``source`` it is a marker, touched after ``make()``; with it, what ``make`` writes.
    make : callable
        Makes the thing.
    source : pathlib.Path, optional
        What the thing is made from: made again when newer than ``done``.
    """
    from filelock import FileLock

    with FileLock(str(lock)):
        if done.exists() and (source is None or done.stat().st_mtime >= source.stat().st_mtime):
            return
        make()
        if source is None:
            done.touch()


def execute_once(stem: str, out: pathlib.Path, *, fresh: bool = False) -> pathlib.Path:
    """Execute ``notebooks/<stem>.ipynb`` into results folder ``out`` unless its record there is
    newer than the notebook (``fresh``: only if never run there); one worker at a time."""
    from lecture.run import execute

    path = ROOT / "notebooks" / f"{stem}.ipynb"
    assert path.exists(), f"no notebook {path}"
    out.mkdir(parents=True, exist_ok=True)
    rec = out / f"{stem}.json"
    once(out / f"{stem}.lock", out / f"{stem}.done" if fresh else rec, lambda: execute(path, out),
         source=None if fresh else path)
    return rec


def _read(path: pathlib.Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


@pytest.fixture(scope="session")
def notebook_numbers():
    """``notebook_numbers(stem)``: the numbers the notebook recorded in this test run."""
    return lambda stem: _read(execute_once(stem, RESULTS))


@pytest.fixture(scope="session")
def notebook_claims():
    """``notebook_claims(stem)``: {key: {claim, op, goal, value, pass}} the notebook checked in this run (value: the raw float)."""
    def claims(stem):
        return _read(execute_once(stem, RESULTS).with_suffix(".claims.json"))
    return claims


@pytest.fixture(scope="session")
def notebook_runs(tmp_path_factory):
    """``notebook_runs(stem, run)``: numbers of the ``run``-th fresh execution (make check-repeat)."""
    folder = shared_folder(tmp_path_factory, "runs")
    return lambda stem, run: _read(execute_once(stem, folder / f"run{run}", fresh=True))


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


@pytest.fixture
def float64():
    """Notebook 06 runs in float64 (``torch.set_default_dtype``); so do its tests, restoring the default."""
    import torch

    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


# The browser and the rendered site, shared by tests/test_site.py and tests/test_handouts.py: one
# Playwright instance per worker (two would clash: Playwright's sync API inside its own loop).

STEMS = [p.stem for p in NOTEBOOKS]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
def _find_chromium():
    for name in (os.environ.get("CHROMIUM", ""), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's Chromium (or ``$CHROMIUM``); skip locally without it, fail under CI."""
    path = _find_chromium()
    if path is None:
        message = ("no Chromium: run `make browser` (as root it installs Debian's `chromium`; "
                   "else `sudo apt-get install chromium`) or set CHROMIUM=/path/to/chrome")
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message + "; CI must check the offline site")
        pytest.skip(message + "; the offline site was not checked")
    return path


class Site:
    """A lecture site in ``build``: :meth:`notebook` and :meth:`everything` render what a test
    needs once per test run (``render=True``; a file lock per notebook, so the two workers
    render different notebooks at the same time and never the same one twice)."""

    def __init__(self, build: pathlib.Path, stems: list[str], *, render: bool):
        self.build, self.stems, self.render = build, stems, render

    def _once(self, name, make):
        if self.render:
            once(self.build / f".{name}.lock", self.build / f".{name}.done", make)

    def notebook(self, stem: str) -> pathlib.Path:
        """The build folder, with the assets and ``stem``'s page and deck in it."""
        import nbformat

        from lecture import run
        from lecture import site as lecture_site

        assert stem in self.stems, f"{stem} is not in the build {self.build}"
        self._once("assets", lambda: lecture_site.copy_assets(self.build))
        path = ROOT / "notebooks" / f"{stem}.ipynb"
        self._once(stem, lambda: run.render(nbformat.read(path, as_version=4), stem, self.build))
        return self.build

    def everything(self) -> pathlib.Path:
        """The build folder, with every page and deck and the index."""
        from lecture import run
        from lecture import site as lecture_site

        for stem in self.stems:
            self.notebook(stem)
        summary = {stem: run.summary_entry(stem, 0.0, RESULTS) for stem in self.stems}
        self._once("index", lambda: lecture_site.write_index(self.build, NOTEBOOKS, summary))
        return self.build


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """The site under test (see :class:`Site`)."""
    if os.environ.get("COURSE_SITE_BUILD"):  # check every notebook of an existing build
        build = (ROOT / os.environ["COURSE_SITE_BUILD"]).resolve()
        stems = sorted(p.stem for p in (build / "html").glob("[0-9][0-9]_*.html"))
        assert stems, f"no notebook pages in {build / 'html'}: run `make lecture` first"
        return Site(build, stems, render=False)
    return Site(shared_folder(tmp_path_factory, "site"), STEMS, render=True)


@pytest.fixture(scope="session")
def browser_context(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True,
                                     args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800},
                                      service_workers="block")
        yield context
        browser.close()
