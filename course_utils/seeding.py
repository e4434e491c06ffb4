"""Seeding: the same seed gives the same numbers (with the same thread count, see ``device``)."""

from __future__ import annotations

import random

import numpy as np
import torch

from course_utils.config import split_seed


def seed_everything(seed: int = 0) -> None:
    """Seed Python's ``random``, NumPy and PyTorch (CPU, CUDA and MPS generators).

    With ``COURSE_SPLIT_SEED=s`` (another train/test split of the subset, see
    :mod:`course_utils.config`) the generators get ``seed + 1000 * s``, so a re-split run
    also starts every model from other random weights; the default split (s = 0) keeps ``seed``.

    Parameters
    ----------
    seed : int, default 0

    Notes
    -----
    Python's string hashing (``PYTHONHASHSEED``) can only be fixed before the
    interpreter starts; nothing in the lecture depends on it.
    """
    seed = seed + 1000 * split_seed()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS generators
