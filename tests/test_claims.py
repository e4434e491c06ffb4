"""Every claim a notebook checks (``results.check``) holds in this test run, and every notebook checks some.

The claims were recorded by the notebooks' own kernels under nbval (``make test``'s first pass);
the verdict is recomputed here from the recorded value, the comparison and the goal, so a
notebook cannot pass by printing a tick. ``make claims`` checks the same claims over other
splits, seeds and data sizes.
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
        value = numbers[key]
        if not passes(value, spec["op"], spec["goal"]) or not spec["pass"]:
            failed.append(f"{key}: {spec['claim']}: measured {value}, goal {spec['op']} {spec['goal']}")
    assert not failed, "\n".join(failed)
