"""Seeding: the same seed gives the same numbers (with the same thread count, see ``device``)."""

from __future__ import annotations

import random

import numpy as np
import torch

from course_utils.config import split_seed


def seed_everything(seed: int = 0) -> int:
    """Seed Python's ``random``, NumPy and PyTorch (CPU, CUDA and MPS generators); return the seed used.

    With ``COURSE_SPLIT_SEED=s`` (another train/test split of the subset, see
    :mod:`course_utils.config`) the generators get ``seed + 1000 * s``, so a re-split run
    also starts every model from other random weights; the default split (s = 0) keeps ``seed``.
    A notebook keeps the returned seed, ``SEED = cu.seed_everything(0)``, and passes it to
    everything else that draws random numbers (weights, batch order, noise, samples), so
    that every random source follows the split seed.

    Parameters
    ----------
    seed : int, default 0

    Returns
    -------
    seed : int
        The seed the generators got: ``seed + 1000 * COURSE_SPLIT_SEED``.

    Notes
    -----
    Python's string hashing (``PYTHONHASHSEED``) can only be fixed before the
    interpreter starts; nothing in the lecture depends on it.
    """
    seed = seed + 1000 * split_seed()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # also seeds CUDA and MPS generators
    return seed
