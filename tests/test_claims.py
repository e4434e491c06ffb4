"""Every claim a notebook checks (``results.check``) holds in this test run, and every notebook checks some.

The claims were recorded by the notebooks' own kernels under nbval (``make test``'s first pass), each
with its raw measured value; the verdict is judged again here from that raw value, the comparison and
the goal (never from a rounded copy), so a notebook cannot pass by printing a tick, and a value that
misses its goal by less than the printed rounding step fails. ``make claims`` checks the same claims over
other splits, seeds and data sizes.
"""

import pytest
from conftest import NOTEBOOKS

from course_utils.checks import passes

STEMS = [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("stem", STEMS)
def test_every_checked_claim_holds(notebook_claims, notebook_numbers, stem):
    claims, numbers = notebook_claims(stem), notebook_numbers(stem)
    assert claims, f"{stem} checks no claim with results.check(...)"
    failed = []
    for key, spec in claims.items():
        value = spec["value"]
        assert value is None or value == numbers[key], f"{key}: the claim's value is not the recorded number"
        verdict = value is not None and passes(value, spec["op"], spec["goal"])
        assert verdict == spec["pass"], f"{key}: stored verdict {spec['pass']}, raw value {value} says {verdict}"
        if not verdict:
            failed.append(f"{key}: {spec['claim']}: measured {value!r}, goal {spec['op']} {spec['goal']}")
    assert not failed, "\n".join(failed)
