"""Record the numbers a notebook measured, for ``build/results.json``.

A notebook creates one recorder, ``results = Results("02_linear_autoencoder_vs_pca")``,
and calls ``results.record("ratio_k2", ratio)``. When ``$COURSE_RESULTS_DIR`` is
set (``make lecture`` and the tests set it) every record is also written to
``$COURSE_RESULTS_DIR/<notebook>.json``; otherwise nothing touches the disk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS_ENV = "COURSE_RESULTS_DIR"


def fmt(value: float, digits: int = 3) -> str:
    """Format a number with fixed decimals for stable printed output (``-0.000`` -> ``0.000``).

    Parameters
    ----------
    value : float
    digits : int, default 3
        Decimal places.

    Returns
    -------
    text : str
    """
    text = f"{float(value):.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


class Results:
    """Collects a notebook's key numbers.

    Parameters
    ----------
    notebook : str
        Name of the notebook (its file name without ``.ipynb``).
    """

    def __init__(self, notebook: str) -> None:
        if not notebook or "/" in notebook or notebook.endswith(".ipynb"):
            raise ValueError(f"give the notebook's file stem, e.g. '01_representations', got {notebook!r}")
        self.notebook = notebook
        self.values: dict[str, float | int | str | bool] = {}
        folder = os.environ.get(RESULTS_ENV)
        self.path = Path(folder) / f"{notebook}.json" if folder else None

    def record(self, name: str, value, digits: int = 4):
        """Store ``value`` under ``name`` (floats rounded to ``digits`` decimals) and return it.

        Parameters
        ----------
        name : str
            Key in ``build/results.json``. Name timings with ``_seconds`` in the key: the
            repeatability test skips those keys (everything else must repeat exactly).
        value : float, int, bool, str or 0-d tensor
        digits : int, default 4
            Decimal places kept for floats.

        Returns
        -------
        value : float, int, bool or str
            The stored (rounded) value, so a print can use it directly.
        """
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float):
            value = round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0
        elif not isinstance(value, (int, str, bool)):
            raise TypeError(f"record() takes a number, bool or string, got {type(value).__name__}")
        self.values[name] = value
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps(self.values, indent=2, sort_keys=True) + "\n")
        return value
