"""Full-MNIST mode offline: the IDX loader, the missing-files message, and notebook 01's stop.

The files here are tiny IDX files this test writes itself in torchvision's layout
(``<dir>/MNIST/raw/train-images-idx3-ubyte`` ...), so nothing is downloaded.
"""

import gzip
import socket
import struct
import time

import numpy as np
import pytest
import torch

import course_utils as cu
from course_utils import data

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
         "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def idx(array: np.ndarray) -> bytes:
    """IDX encoding, written independently of benchmarks/mnist_idx.py."""
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(struct.pack(">I", d) for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_tiny_mnist(folder, n_train=12, n_test=5, gz=False, seed=0):
    rng = np.random.default_rng(seed)
    arrays = [rng.integers(0, 256, (n_train, 28, 28)), rng.integers(0, 10, n_train),
              rng.integers(0, 256, (n_test, 28, 28)), rng.integers(0, 10, n_test)]
    arrays[0][0] = 0        # make sure both ends of the range occur
    arrays[0][1] = 255
    raw = folder / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for name, array in zip(FILES, arrays, strict=True):
        blob = idx(array)
        if gz:
            (raw / f"{name}.gz").write_bytes(gzip.compress(blob))
        else:
            (raw / name).write_bytes(blob)
    return arrays


@pytest.fixture(autouse=True)
def fresh_cache():
    data._load_full.cache_clear()
    yield
    data._load_full.cache_clear()


@pytest.fixture
def no_network(monkeypatch):
    """Every attempt to reach the network fails at once (and is counted)."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise OSError(101, "Network is unreachable (test)")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return calls


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
def test_full_loader_round_trips_idx_files(tmp_path, gz):
    x_tr, y_tr, x_te, y_te = write_tiny_mnist(tmp_path, gz=gz)
    for split, xs, ys in (("train", x_tr, y_tr), ("test", x_te, y_te)):
        x, y = cu.load_mnist(split, full=True, root=tmp_path, download=False)
        assert x.shape == (len(xs), 1, 28, 28) and x.dtype == torch.float32
        assert y.shape == (len(ys),) and y.dtype == torch.int64
        assert x.min() >= 0.0 and x.max() <= 1.0
        assert torch.equal((x * 255).round().to(torch.uint8).squeeze(1),
                           torch.from_numpy(xs.astype(np.uint8)))
        assert torch.equal(y, torch.from_numpy(ys.astype(np.int64)))
    x, _ = cu.load_mnist("train", full=True, root=tmp_path, download=False)
    assert x[0].max() == 0.0 and x[1].min() == 1.0


def test_full_mode_switch_and_data_dir(tmp_path, monkeypatch):
    x_tr, y_tr, _, _ = write_tiny_mnist(tmp_path)
    monkeypatch.setenv("COURSE_FULL", "1")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    x, y = cu.load_mnist("train")
    assert x.shape == (12, 1, 28, 28)
    assert torch.equal(y, torch.from_numpy(y_tr.astype(np.int64)))
    x2, _ = cu.load_dataset("mnist")
    assert torch.equal(x, x2)
    x[:] = 0                                           # callers get a copy of the cache
    assert cu.load_mnist("train")[0].max() > 0


@pytest.fixture
def mnist_idx(root):
    """benchmarks/mnist_idx.py, the generator behind benchmarks/full_mode.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("mnist_idx", root / "benchmarks" / "mnist_idx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_full_mnist_round_trips(tmp_path, mnist_idx):
    """benchmarks/mnist_idx.py writes files the loader reads back exactly (small sizes)."""
    rng = np.random.default_rng(1)
    arrays = [rng.integers(0, 256, (7, 28, 28), dtype=np.uint8), np.arange(7, dtype=np.uint8),
              rng.integers(0, 256, (3, 28, 28), dtype=np.uint8), np.arange(3, dtype=np.uint8)]
    mnist_idx.write_mnist(tmp_path, *arrays, gz=True)
    assert mnist_idx.has_mnist(tmp_path)
    x, y = cu.load_mnist("test", full=True, root=tmp_path, download=False)
    assert torch.equal((x * 255).round().to(torch.uint8).squeeze(1), torch.from_numpy(arrays[2]))
    assert y.tolist() == [0, 1, 2]
    assert idx(arrays[0]) == mnist_idx.idx_bytes(arrays[0])


def test_generator_tiles_shifted_copies_with_their_labels(mnist_idx):
    rng = np.random.default_rng(2)
    x = np.zeros((4, 28, 28), dtype=np.uint8)
    x[:, 10:18, 10:18] = rng.integers(1, 256, (4, 8, 8))     # digits away from the border
    y = np.arange(4, dtype=np.uint8)
    xs, ys = mnist_idx._tile_with_shifts(x, y, 30, seed=0)
    assert xs.shape == (30, 28, 28) and ys.shape == (30,)
    assert len({img.tobytes() for img in xs}) == 30            # no image twice
    for img, label in zip(xs, ys, strict=True):                # each is a shift of its source
        assert any(np.array_equal(img, np.roll(x[label], s, axis=(0, 1)))
                   for s in mnist_idx.SHIFTS)
    assert mnist_idx.N_TRAIN == 4000 * 15 and mnist_idx.N_TEST == 1000 * 10
    assert len(set(mnist_idx.SHIFTS)) == len(mnist_idx.SHIFTS) == 15


@pytest.mark.parametrize("download", [True, False])
def test_missing_files_message_names_folder_and_files(tmp_path, no_network, download):
    start = time.perf_counter()
    with pytest.raises(cu.DataUnavailableError) as info:
        cu.load_mnist("train", full=True, root=tmp_path, download=download)
    assert time.perf_counter() - start < 5
    message = str(info.value)
    raw = tmp_path.resolve() / "MNIST" / "raw"
    assert str(raw) in message
    for name in FILES:
        assert name in message
    assert "COURSE_DATA_DIR" in message and "COURSE_FULL" in message
    # raised from course_utils itself, not chained to an error inside torchvision
    assert info.value.__cause__ is None and info.value.__context__ is None
    assert not (raw.exists() and any(raw.iterdir()))   # nothing half-written


def test_partial_files_are_listed(tmp_path, no_network):
    write_tiny_mnist(tmp_path)
    (tmp_path / "MNIST" / "raw" / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(cu.DataUnavailableError, match="t10k-labels-idx1-ubyte") as info:
        cu.load_mnist("test", full=True, root=tmp_path)
    assert "train-images-idx3-ubyte" not in str(info.value)


def test_corrupt_file_gives_clear_error(tmp_path):
    write_tiny_mnist(tmp_path)
    path = tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(cu.DataUnavailableError, match="could not be read") as info:
        cu.load_mnist("train", full=True, root=tmp_path)
    assert info.value.__cause__ is None


def test_download_is_not_attempted_when_offline(tmp_path, no_network, monkeypatch):
    """Offline, the loader gives up after one quick probe and never calls torchvision."""
    import torchvision.datasets

    def fail(*args, **kwargs):
        raise AssertionError("torchvision's download must not be attempted offline")

    monkeypatch.setattr(torchvision.datasets, "MNIST", fail)
    with pytest.raises(cu.DataUnavailableError):
        cu.load_mnist("train", full=True, root=tmp_path, download=True)
    assert len(no_network) >= 1


def test_network_probe_does_not_hang(monkeypatch):
    """A name lookup that never returns (a black-holed network) costs at most the timeout."""
    def black_hole(*args, **kwargs):
        time.sleep(5)
        raise OSError("timed out")

    monkeypatch.setattr(socket, "create_connection", black_hole)
    start = time.perf_counter()
    assert data._network_reachable(timeout=0.5) is False
    assert time.perf_counter() - start < 3


def test_network_probe_says_yes_when_a_connection_opens(monkeypatch):
    class Conn:
        def close(self):
            pass

    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: Conn())
    assert data._network_reachable(timeout=1) is True


@pytest.fixture
def full_mode(root, monkeypatch):
    """benchmarks/full_mode.py, the one home of the missing-files check (sys.path restored after)."""
    import importlib

    monkeypatch.syspath_prepend(str(root / "benchmarks"))
    return importlib.import_module("full_mode")


def test_missing_files_problems_names_what_is_wrong(tmp_path, full_mode):
    """The judge of notebook 01's stop, on made-up error texts (no kernel)."""
    empty = tmp_path / "data"
    empty.mkdir()
    raw = empty / "MNIST" / "raw"
    good = (f"CellExecutionError: ... cu.load_mnist('train') ...\nDataUnavailableError: put "
            f"{', '.join(FILES)} into {raw} (COURSE_DATA_DIR)")
    assert full_mode.missing_files_problems(good, empty, seconds=3.0) == []
    slow = full_mode.missing_files_problems(good, empty, seconds=70.0, budget_s=60)
    assert slow == ["it took 70 s to stop (budget 60 s)"]
    bad = good.replace("t10k-labels-idx1-ubyte", "") + "\n  File /x/site-packages/torchvision/m.py"
    assert full_mode.missing_files_problems(bad, empty, seconds=1.0) == [
        "the message does not name t10k-labels-idx1-ubyte", "the traceback runs into torchvision"]
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte.gz").write_bytes(b"")
    assert full_mode.missing_files_problems(good, empty, seconds=1.0) == [
        "it wrote files into the empty data folder"]


@pytest.mark.slow
def test_notebook_01_stops_at_once_without_files(tmp_path, root, full_mode):
    """COURSE_FULL=1, empty data dir, no network: the first notebook stops with the message."""
    from lecture.run import find_notebooks

    first = find_notebooks(root / "notebooks")[0]
    # 90 s, not the script's 60: under make test another worker's kernel shares the 2 cores
    check = full_mode.missing_files_check(first, tmp_path, budget_s=90, timeout=120)
    assert check["ok"], "\n".join(check["problems"]) + "\n" + check["message"]


def test_offline_guard_blocks_the_network_but_not_localhost(root):
    """benchmarks/offline/sitecustomize.py, used for the kernels above and by full_mode.py."""
    import os
    import subprocess
    import sys

    code = """
import socket, sitecustomize
assert sitecustomize.OFFLINE_GUARD
for host in ("example.com", "1.1.1.1"):
    try:
        socket.create_connection((host, 443), timeout=2)
        raise SystemExit(f"reached {host}")
    except OSError:
        pass
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
socket.create_connection(server.getsockname(), timeout=2).close()
print("ok")
"""
    env = {**os.environ, "PYTHONPATH": str(root / "benchmarks" / "offline")}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "ok", out.stderr


def test_data_dir_default_in_the_repository_and_installed(tmp_path, monkeypatch, root):
    """From the repository (editable install) downloads go to data/; a package installed with
    `pip install <repo>` (the student edition) caches them in the user's cache instead."""
    from course_utils import config

    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    assert cu.data_dir() == root / "data"
    installed = tmp_path / "site-packages" / "course_utils" / "config.py"
    monkeypatch.setattr(config, "__file__", str(installed))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cu.data_dir() == tmp_path / "home" / ".cache" / "course-utils"
