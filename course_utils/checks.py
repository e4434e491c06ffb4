"""Claim checks: a visible verdict line per claim, and numbers printed the same way every run.

A notebook checks its measured numbers with ``Results.check`` (which also records them for
the claims matrix) or, for one number, ``check(...)``: each prints a tick or a cross with
the goal and never raises, so a student who changes a seed sees the verdict and carries on,
while nbval (the cell is tagged ``nbval-check-output``) and the goal tests fail on a cross.
The verdict is judged on the raw value; only the printed number is rounded.
``assert`` stays for facts that hold exactly.
"""

from __future__ import annotations

import math
import re

PASS, FAIL = "\u2713", "\u2717"  # check mark, ballot x


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


OPS = {"<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
       ">=": lambda a, b: a >= b, ">": lambda a, b: a > b}


_GOAL = re.compile(r"^\s*(<=|>=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$")


def parse_goal(goal: str) -> tuple[str, float]:
    """Split a goal written as text, e.g. ``"<= 1.01"``, into its comparison and its number.

    Parameters
    ----------
    goal : str
        A comparison (``<=``, ``<``, ``>=``, ``>``) followed by a number.

    Returns
    -------
    op : str
    number : float

    Raises
    ------
    ValueError
        If ``goal`` is not of that form.
    """
    match = _GOAL.match(goal) if isinstance(goal, str) else None
    if match is None:
        raise ValueError(f"a goal is a comparison and a number, e.g. '<= 1.01' or '> 0'; got {goal!r}.")
    return match.group(1), float(match.group(2))


def passes(value: float, op: str, goal: float) -> bool:
    """Whether ``value op goal`` holds (False for NaN).

    Parameters
    ----------
    value : float
    op : {"<=", "<", ">=", ">"}
    goal : float

    Returns
    -------
    ok : bool
    """
    if op not in OPS:
        raise ValueError(f"unknown comparison {op!r}; choose one of {sorted(OPS)}.")
    value = float(value)
    return not math.isnan(value) and bool(OPS[op](value, goal))


def check(claim: str, value: float, op: str, goal: float, *, digits: int = 3) -> None:
    """Print one verdict line for a claim; never raises on the number.

    The line reads ``✓ claim — measured 1.000, goal <= 1.01`` (a cross when it fails). The
    verdict is judged on the raw ``value``; only the printed number is rounded, so a value that
    misses its goal by less than the rounding step still prints a cross.
    The tests compare it with the measured value blanked out (``tests/sanitize.cfg``),
    so the verdict and the goal are checked while the value may differ in its last
    digits between machines.

    Parameters
    ----------
    claim : str
        What the slide says, e.g. ``"linear AE reaches PCA's test error (k=8), AE/PCA"``.
    value : float or 0-d tensor
        The measurement. A relation between two measurements is checked as their
        difference or ratio against a fixed goal (e.g. ``vae - ae > 0``).
    op : {"<=", "<", ">=", ">"}
        How ``value`` must compare with ``goal``.
    goal : float
    digits : int, default 3
        Decimal places of the printed value.

    Notes
    -----
    Nothing is returned, so a cell that ends with a check shows only its line; use
    :func:`passes` for the verdict as a value. NaN never passes.
    """
    ok = passes(value, op, goal)
    print(f"{PASS if ok else FAIL} {claim} \u2014 measured {fmt(float(value), digits)}, goal {op} {goal:g}")
