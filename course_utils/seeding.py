"""Seeding, thread count and device selection."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

DEVICE_ENV = "COURSE_DEVICE"


def seed_everything(seed: int = 0, *, threads: int | None = 2) -> None:
    """Seed Python, NumPy and PyTorch and fix the CPU thread count.

    Results of floating-point reductions change with the number of threads, so
    fixing it (and seeding) makes printed numbers repeat run to run.

    Parameters
    ----------
    seed : int, default 0
        Seed for ``random``, ``numpy.random`` and ``torch`` (CPU and CUDA).
    threads : int or None, default 2
        Number of intra-op threads for PyTorch; ``None`` leaves it unchanged.
    """
    if threads is not None:
        if threads < 1:
            raise ValueError(f"threads must be >= 1, got {threads}")
        torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS generators
    os.environ.setdefault("PYTHONHASHSEED", str(seed))


def get_device(prefer: str | None = None) -> torch.device:
    """Pick the best available device: CUDA, then Apple MPS, then CPU.

    Parameters
    ----------
    prefer : str, optional
        Force a device (``"cpu"``, ``"cuda"``, ``"mps"``). Defaults to
        ``$COURSE_DEVICE`` if set, else automatic selection.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValueError
        If the requested device is unknown or not available on this machine.
    """
    prefer = prefer or os.environ.get(DEVICE_ENV) or None
    if prefer is None:
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    name = prefer.lower()
    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()),
    }
    if name not in available:
        raise ValueError(f"unknown device {prefer!r}; choose one of {sorted(available)}.")
    if not available[name]:
        raise ValueError(f"device {prefer!r} is not available on this machine; use 'cpu'.")
    return torch.device(name)
