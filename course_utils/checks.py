"""Claim checks: a visible verdict line per claim, and numbers printed the same way every run.

A notebook checks a measured number with ``check(...)`` (or ``Results.check``, which
also records it for the claims matrix), which prints a tick or a cross with the goal
and never raises: a student who changes a seed sees the
verdict and carries on, while nbval (the cell is marked ``# NBVAL_CHECK_OUTPUT``) and
the goal tests fail on a cross. ``assert`` stays for facts that hold exactly.
"""

from __future__ import annotations

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
    return bool(OPS[op](float(value), goal))


def check(claim: str, value: float, op: str, goal: float, *, digits: int = 3) -> None:
    """Print one verdict line for a claim; never raises on the number.

    The line reads ``✓ claim — measured 1.000, goal <= 1.01`` (a cross when it fails).
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
