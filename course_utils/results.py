"""Record the numbers a notebook measured, and its claims, for ``build/results.json``.

A notebook creates one recorder near the top, ``results = cu.Results("02_linear_autoencoder_vs_pca")``,
and ends a section with one short check cell (tagged ``nbval-check-output``) that lists the
section's claims, each as its key, what the slide says, the measured value and the goal::

    results.check({
        "ratio_k2": ("k=2: linear AE reaches PCA's test MSE, AE/PCA", ae_mse / pca_mse, "<= 1.01"),
        "angle_k2": ("k=2: largest angle to PCA's subspace (degrees)", angle, "<= 5", 2),
    })

Each claim prints one verdict line; an optional fourth item sets the decimals printed.
Numbers that are not claims are recorded with ``results.record(steps_k2=412, ...)`` (or a
dict). Verdicts are judged on the raw values, which are also what is written: rounding is
only for what is printed. When ``$COURSE_RESULTS_DIR`` is set (``make lecture`` and the tests
set it) the numbers go to ``$COURSE_RESULTS_DIR/<notebook>.json`` and the claims, with their
raw values and verdicts, to ``<notebook>.claims.json``; otherwise nothing touches the disk.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path

from course_utils.checks import check, parse_goal, passes
from course_utils.config import results_dir

Number = float | int | bool | str


def _plain(name: str, value) -> Number:
    """A JSON-able copy of ``value``: 0-d tensors and NumPy scalars become Python numbers."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return value + 0.0  # -0.0 -> 0.0
    if isinstance(value, (int, str, bool)):
        return value
    raise TypeError(f"{name}: record a number, bool or string, got {type(value).__name__}.")


class Results:
    """Collects a notebook's key numbers and claims.

    Parameters
    ----------
    notebook : str
        Name of the notebook (its file name without ``.ipynb``).
    """

    def __init__(self, notebook: str) -> None:
        if not notebook or "/" in notebook or notebook.endswith(".ipynb"):
            raise ValueError(f"give the notebook's file stem, e.g. '01_representations', got {notebook!r}")
        self.notebook = notebook
        self.values: dict[str, Number] = {}
        self.claims: dict[str, dict] = {}
        folder = results_dir()
        self.path = folder / f"{notebook}.json" if folder else None

    def record(self, values: Mapping[str, object] | None = None, /, **named: object) -> None:
        """Store numbers under their names, e.g. ``results.record(steps_k2=412, pca_mse_k2=mse)``.

        Parameters
        ----------
        values : dict of str to number, optional
            Numbers whose names are built in code, e.g. ``{f"probe_acc_k{k}": a for k, a in acc.items()}``.
        **named : float, int, bool, str or 0-d tensor
            Numbers by name. Name timings with ``_seconds`` in the key: the repeatability
            test skips those keys (everything else must repeat exactly).

        Notes
        -----
        The raw values are stored (rounding is for printing only). Nothing is returned, so a
        cell may end with a ``record`` call without printing a number under its output.
        """
        for name, value in {**(values or {}), **named}.items():
            self.values[name] = _plain(name, value)
        self._write(self.path, self.values)

    def check(self, claims: Mapping[str, tuple]) -> None:
        """Judge, print and record a section's claims, one verdict line each.

        Parameters
        ----------
        claims : dict of str to tuple
            ``key: (claim, value, goal)`` or ``key: (claim, value, goal, digits)``: the key of
            the measured value in ``build/results.json``; what the slide says; the measured
            float (or 0-d tensor); the goal as text, e.g. ``"<= 1.01"``; the decimals printed
            (default 3).

        Notes
        -----
        The verdict is judged on the raw value. A failed claim prints a cross and never raises
        (see :func:`course_utils.check`); nothing is returned.
        """
        for key, spec in claims.items():
            if not isinstance(spec, tuple) or len(spec) not in (3, 4):
                raise TypeError(f"{key}: give (claim, value, goal) or (claim, value, goal, digits), "
                                f"e.g. ('AE reaches PCA', ratio, '<= 1.01'); got {spec!r}.")
            claim, value, goal, *digits = spec
            op, number = parse_goal(goal)
            value = float(_plain(key, value))
            self.values[key] = value
            check(claim, value, op, number, digits=digits[0] if digits else 3)
            self.claims[key] = {"claim": claim, "op": op, "goal": number,
                                "value": None if math.isnan(value) else value,
                                "pass": passes(value, op, number)}
        self._write(self.path, self.values)
        if self.path is not None:
            self._write(self.path.with_suffix(".claims.json"), self.claims, sort=False)  # in checked order

    @staticmethod
    def _write(path: Path | None, table: dict, *, sort: bool = True) -> None:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(table, indent=2, sort_keys=sort) + "\n")
