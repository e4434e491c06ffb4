"""Record the numbers a notebook measured, for ``build/results.json``.

A notebook creates one recorder, ``results = Results("02_linear_autoencoder_vs_pca")``,
calls ``results.record("pca_mse_k2", mse)`` for a number and
``results.check("ratio_k2", "linear AE reaches PCA's error", ratio, "<=", 1.01)`` for a
claim (recorded, and printed as a verdict line). When ``$COURSE_RESULTS_DIR`` is set
(``make lecture`` and the tests set it) the numbers are also written to
``$COURSE_RESULTS_DIR/<notebook>.json`` and the claims to ``<notebook>.claims.json``;
otherwise nothing touches the disk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from course_utils.checks import check, passes

RESULTS_ENV = "COURSE_RESULTS_DIR"


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
        self.claims: dict[str, dict] = {}
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

    def check(self, name: str, claim: str, value, op: str, goal: float, *, digits: int = 4) -> None:
        """Record ``value`` under ``name``, print its verdict line (:func:`course_utils.check`)
        and remember the claim, so the tests and ``make claims`` can read it back.

        Parameters
        ----------
        name : str
            Key of the measured value in ``build/results.json``.
        claim : str
            What the slide says, printed on the verdict line.
        value : float or 0-d tensor
        op : {"<=", "<", ">=", ">"}
        goal : float
        digits : int, default 4
            Decimal places recorded and printed.

        Notes
        -----
        A failed claim prints a cross and never raises; nothing is returned (see
        :func:`course_utils.check`).
        """
        value = self.record(name, float(value), digits)
        check(claim, value, op, goal, digits=digits)
        self.claims[name] = {"claim": claim, "op": op, "goal": goal, "pass": passes(value, op, goal)}
        if self.path is not None:
            self.path.with_suffix(".claims.json").write_text(
                json.dumps(self.claims, indent=2, sort_keys=True) + "\n")
