"""Seeding: the same seed gives the same numbers (with the same thread count, see ``device``)."""

from __future__ import annotations

import random

import numpy as np
import torch


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU, CUDA and MPS generators).

    Parameters
    ----------
    seed : int, default 0

    Notes
    -----
    Python's string hashing (``PYTHONHASHSEED``) can only be fixed before the
    interpreter starts; nothing in the lecture depends on it.
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS generators
