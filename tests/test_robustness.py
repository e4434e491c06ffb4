"""Robustness: each notebook runs alone, in any order, from a read-only tree with empty data/.

The notebooks and ``course_utils`` are copied into a temporary tree (``notebooks/``,
``course_utils/``, empty ``data/`` and ``build/``); the kernel imports the copy
(``PYTHONPATH``) with ``COURSE_DATA_DIR`` unset, so ``data/`` is the empty copy. Write
permission is removed from everything but ``build/`` and ``data/``; as root ignores
permission bits, each run also compares a snapshot of the tree (files, sizes, mtimes)
taken before and after it. The notebooks run in reverse order, each in a fresh kernel,
once each, and must record the same numbers as the ordinary run 1 (``make check-repeat``).

Device selection (CUDA, then MPS, then CPU; ``COURSE_DEVICE`` forces one) is checked with
monkeypatched availability, so no GPU is needed.
"""

import json
import os
import re
import shutil
import stat
import subprocess
import sys

import pytest
import torch
from conftest import NOTEBOOKS, ROOT
from helpers import without_timings

import course_utils as cu

STEMS = [p.stem for p in NOTEBOOKS]
WRITABLE = ("build", "data")


def snapshot(top):
    """{relative path: (size, mtime_ns)} of every file and folder outside build/ and data/."""
    found = {}
    for folder, dirs, files in os.walk(top):
        rel = os.path.relpath(folder, top)
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in WRITABLE]
        dirs[:] = [d for d in dirs if d != "__pycache__"]   # bytecode caches are not outputs
        for name in dirs + files:
            st = os.stat(os.path.join(folder, name))
            found[os.path.normpath(os.path.join(rel, name))] = (
                None if stat.S_ISDIR(st.st_mode) else st.st_size, st.st_mtime_ns)
    return found


def set_writable(top, writable):
    for folder, dirs, files in os.walk(top):
        rel = os.path.relpath(folder, top)
        if rel.split(os.sep)[0] in WRITABLE:
            continue
        for name in [*files, *dirs, ""]:
            if rel == "." and name in WRITABLE:
                continue
            path = os.path.join(folder, name)
            mode = os.stat(path).st_mode
            os.chmod(path, mode | stat.S_IWUSR if writable
                     else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    """A read-only copy of the notebooks and the package, with empty build/ and data/."""
    top = tmp_path_factory.mktemp("readonly_tree")
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "notebooks", top / "notebooks", ignore=ignore)
    shutil.copytree(ROOT / "course_utils", top / "course_utils", ignore=ignore)
    for name in WRITABLE:
        (top / name).mkdir()
    env = {**os.environ, "PYTHONPATH": str(top), "COURSE_FULL": "0"}
    env.pop("COURSE_RESULTS_DIR", None)
    env.pop("COURSE_DATA_DIR", None)
    where = subprocess.run(
        [sys.executable, "-c",
         "import course_utils as cu; print(cu.__file__); print(cu.data_dir())"],
        cwd=top / "notebooks", env=env, capture_output=True, text=True, check=True,
    ).stdout.split()
    assert where == [str(top / "course_utils" / "__init__.py"), str(top / "data")], where
    set_writable(top, False)
    yield top
    set_writable(top, True)


@pytest.mark.parametrize("stem", STEMS[::-1])   # reverse order: no notebook relies on another
def test_notebook_runs_alone_read_only_with_empty_data(sandbox, stem, monkeypatch, notebook_runs):
    from lecture.run import execute

    monkeypatch.setenv("PYTHONPATH", str(sandbox))
    monkeypatch.setenv("COURSE_FULL", "0")
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    results = sandbox / "build" / "results"
    before = snapshot(sandbox)
    execute(sandbox / "notebooks" / f"{stem}.ipynb", results)
    after = snapshot(sandbox)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, f"{stem} wrote into the source tree: {changed}"
    assert not any((sandbox / "data").iterdir()), "default mode must not need or fill data/"
    rec = results / f"{stem}.json"
    numbers = json.loads(rec.read_text()) if rec.exists() else {}
    assert without_timings(numbers) == without_timings(notebook_runs(stem, 1)), (
        f"{stem} recorded other numbers when run alone, after the later notebooks")


# ----------------------------------------------------------------------------- devices
@pytest.fixture
def devices(monkeypatch):
    """Set which accelerators look present: ``devices(cuda=True, mps=False)``."""
    monkeypatch.delenv("COURSE_DEVICE", raising=False)

    def set_available(cuda=False, mps=False):
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
        if getattr(torch.backends, "mps", None) is not None:
            monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
        elif mps:
            pytest.skip("this torch build has no MPS backend module")

    return set_available


@pytest.mark.parametrize(("cuda", "mps", "expected"), [
    (True, True, "cuda"), (True, False, "cuda"), (False, True, "mps"), (False, False, "cpu"),
])
def test_auto_selection_order(devices, cuda, mps, expected):
    devices(cuda=cuda, mps=mps)
    assert cu.get_device() == torch.device(expected)


def test_course_device_forces_a_device(devices, monkeypatch):
    devices(cuda=True, mps=True)
    for value, expected in [("cpu", "cpu"), ("CPU", "cpu"), ("mps", "mps"), ("cuda", "cuda"),
                            ("", "cuda")]:                 # empty: automatic
        monkeypatch.setenv("COURSE_DEVICE", value)
        assert cu.get_device() == torch.device(expected), value
    monkeypatch.setenv("COURSE_DEVICE", "cuda")
    assert cu.get_device("cpu") == torch.device("cpu")     # an argument beats the variable


def test_course_device_errors_are_clear(devices, monkeypatch):
    devices(cuda=False, mps=False)
    monkeypatch.setenv("COURSE_DEVICE", "cuda")
    with pytest.raises(ValueError, match="not available on this machine"):
        cu.get_device()
    monkeypatch.setenv("COURSE_DEVICE", "tpu")
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        cu.get_device()


def test_no_mps_module_means_cpu(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.delattr(torch.backends, "mps", raising=False)
    assert cu.get_device() == torch.device("cpu")


def test_fit_follows_the_data_device(monkeypatch):
    """``fit`` keeps everything on the device the model and data were moved to."""
    monkeypatch.setenv("COURSE_DEVICE", "cpu")
    device = cu.get_device()
    model = torch.nn.Linear(4, 4).to(device)
    x = torch.randn(32, 4, device=device)
    history = cu.fit(model, lambda m, xb: (((m(xb) - xb) ** 2).mean(), {}), x, x_test=x,
                     epochs=2, batch_size=8, progress=False)
    assert len(history.train["loss"]) == 2 and next(model.parameters()).device == device


HARD_CODED = re.compile(r"\.cuda\(|\.mps\(|device\s*=\s*['\"](cuda|mps)|torch\.device\(['\"](cuda|mps)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=STEMS)
def test_notebooks_choose_the_device_through_course_utils(path):
    """Models and data go to ``DEVICE = cu.get_device()``; no notebook names a GPU itself."""
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not HARD_CODED.search(code), f"{path.name} hard-codes a device"
    if "nn.Module" in code or "cu.fit(" in code:
        assert "cu.get_device()" in code and "DEVICE" in code, (
            f"{path.name} trains models but does not pick DEVICE = cu.get_device()")


def test_snapshot_sees_new_changed_and_removed_files(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "build").mkdir()
    (tmp_path / "notebooks" / "a.ipynb").write_text("{}")
    before = snapshot(tmp_path)
    (tmp_path / "build" / "out.json").write_text("{}")       # build/ may change
    assert snapshot(tmp_path) == before
    (tmp_path / "notebooks" / "figure.png").write_bytes(b"x")
    (tmp_path / "notebooks" / "a.ipynb").write_text('{"changed": 1}')
    after = snapshot(tmp_path)
    assert {k for k in set(before) | set(after) if before.get(k) != after.get(k)} == {
        "notebooks", os.path.join("notebooks", "figure.png"), os.path.join("notebooks", "a.ipynb")}
    (tmp_path / "notebooks" / "figure.png").unlink()
    assert os.path.join("notebooks", "figure.png") not in snapshot(tmp_path)
