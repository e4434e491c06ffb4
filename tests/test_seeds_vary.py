"""Every notebook that trains a model starts it from other weights under another split seed.

``cu.seed_everything`` shifts the seed with ``COURSE_SPLIT_SEED`` and every notebook keeps the seed it
returns (``SEED = cu.seed_everything(0)``) for its weights, batches, noise and samples
(``test_notebook_hygiene.py`` checks that no cell seeds with a literal). Here each such notebook runs
from a fresh kernel until its first model's first forward pass, once with ``COURSE_SPLIT_SEED=0`` and
once with ``1``; a forward pre-hook prints a fingerprint of that model's initial parameters and stops
the notebook there. The two fingerprints must differ. Marked ``repeat``: it runs in
``make check-repeat``, beside the other tests that execute notebooks again.
"""

import os

import pytest
from conftest import NOTEBOOKS

TRAINING = [p for p in NOTEBOOKS if not p.stem.startswith("06_")]   # 06 fits distributions, no network

HOOK = """
import torch
class FirstModelReached(Exception):
    pass
def _fingerprint(module, args):
    params = [p.detach().double().flatten().cpu() for p in module.parameters()]
    if params:
        v = torch.cat(params)
        print(f"INIT {type(module).__name__} {v.numel()} {float(v.sum())!r} {float(v.abs().sum())!r}")
        raise FirstModelReached
torch.nn.modules.module.register_module_forward_pre_hook(_fingerprint)
"""


def first_model_fingerprint(path, split_seed: str, monkeypatch) -> str:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    monkeypatch.setenv("COURSE_SPLIT_SEED", split_seed)
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell(HOOK))
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    except CellExecutionError as error:
        assert "FirstModelReached" in str(error), str(error)[-2000:]
    lines = [line for cell in nb.cells for out in cell.get("outputs", [])
             for line in out.get("text", "").splitlines() if line.startswith("INIT ")]
    assert lines, f"{path.name}: no model ran a forward pass"
    return lines[0]


@pytest.mark.repeat
@pytest.mark.slow
@pytest.mark.parametrize("path", TRAINING, ids=[p.stem for p in TRAINING])
def test_another_split_seed_starts_from_other_weights(path, monkeypatch):
    assert os.environ.get("COURSE_HEADLESS") == "1"
    shipped = first_model_fingerprint(path, "0", monkeypatch)
    other = first_model_fingerprint(path, "1", monkeypatch)
    assert shipped.split()[:3] == other.split()[:3], "another seed built another model"
    assert shipped != other, f"{path.stem}: the first model starts from the same weights under split seeds 0 and 1"
