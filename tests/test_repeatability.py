"""Repeatability: every notebook, executed twice from fresh kernels, records identical numbers.

Keys containing ``_seconds`` are wall-clock timings (e.g. notebook 02's "PCA is faster"
measurement): they are recorded for build/results.json but cannot repeat, so they are left out.

Uses the session fixture ``notebook_runs(stem, run)`` (tests/conftest.py), which marks these
tests ``repeat``: they run under ``make check-repeat`` (and ``make bench``), not ``make test``.
"""

import pytest
from conftest import NOTEBOOKS
from helpers import without_timings

STEMS = [p.stem for p in NOTEBOOKS]


def describe_differences(first: dict, second: dict) -> str:
    keys = sorted(set(first) | set(second))
    lines = [f"  {k}: {first.get(k, '<missing>')!r} then {second.get(k, '<missing>')!r}"
             for k in keys if first.get(k, "<missing>") != second.get(k, "<missing>")]
    return "\n".join(lines)


@pytest.mark.parametrize("stem", STEMS)
def test_numbers_repeat_exactly(notebook_runs, stem):
    first = without_timings(notebook_runs(stem, 1))
    second = without_timings(notebook_runs(stem, 2))
    assert first, f"{stem} recorded no numbers with results.record(...)"
    assert first == second, (
        f"{stem}: numbers differ between two fresh-kernel runs:\n"
        + describe_differences(first, second))


def test_describe_differences():
    text = describe_differences({"a": 1, "b": 2.0}, {"a": 1, "b": 2.5, "c": 3})
    assert "b: 2.0 then 2.5" in text and "c: '<missing>' then 3" in text and "a:" not in text
