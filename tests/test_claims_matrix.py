"""benchmarks/claims.py judges the claims matrix honestly, on a fake build/claims/<cell>/ folder.

Nothing is executed: the records a notebook would write (``<stem>.claims.json`` with raw values
and verdicts, as ``course_utils.Results.check`` writes them) are made up in ``tmp_path``, for two
cells, one of them synthetic (``full10k``).
"""

import json

import pytest

CELLS = ["shipped", "full10k"]
#             key: (claim, op, goal, {cell: raw value}, {cell: stored verdict} or None = correct)
CLAIMS = {
    "ratio": ("AE/PCA", "<=", 1.0, {"shipped": 0.99, "full10k": 1.0 + 4e-7}, None),
    "near": ("VAE - AE", ">", 0.5, {"shipped": 0.8, "full10k": 0.6}, None),
    "wide": ("MSE", "<", 1.0, {"shipped": 0.1, "full10k": 0.2}, None),
    "fact": ("largest change", "<", 1e-5, {"shipped": 0.0, "full10k": 0.0}, None),
    "nan": ("R^2", ">", 0.5, {"shipped": 0.9, "full10k": None}, None),
    "liar": ("accuracy", ">", 0.8, {"shipped": 0.9, "full10k": 0.95}, {"shipped": True, "full10k": False}),
}


@pytest.fixture
def claims(root, monkeypatch):
    """benchmarks/claims.py as a module (sys.path restored afterwards)."""
    import importlib

    monkeypatch.syspath_prepend(str(root / "benchmarks"))
    return importlib.import_module("claims")


def fake_build(build, stem):
    """build/claims/<cell>/<stem>.claims.json (and a rounded <stem>.json to be ignored) + runs.json."""
    from course_utils.checks import passes

    for cell in CELLS:
        folder = build / "claims" / cell
        folder.mkdir(parents=True)
        records, numbers = {}, {}
        for key, (claim, op, goal, values, stored) in CLAIMS.items():
            value = values[cell]
            ok = (passes(value, op, goal) if value is not None else False) if stored is None else stored[cell]
            records[key] = {"claim": claim, "op": op, "goal": goal, "value": value, "pass": ok}
            numbers[key] = None if value is None else round(value, 4)  # rounded: must not be used
        (folder / f"{stem}.claims.json").write_text(json.dumps(records))
        (folder / f"{stem}.json").write_text(json.dumps(numbers))
    runs = {cell: {stem: {"seconds": 1.0, "error": None}} for cell in CELLS}
    (build / "claims" / "runs.json").write_text(json.dumps(runs))
    return runs


def test_judged_on_raw_values_with_margin_and_edge(tmp_path, claims):
    from pathlib import Path

    runs = fake_build(tmp_path, "98_fake")
    rows = {r["key"]: r for r in claims.collect(CELLS, [Path("98_fake.ipynb")], runs, tmp_path / "claims")}

    ratio = rows["ratio"]      # misses <= 1 by 4e-7: rounded to 4 digits it would pass
    assert ratio["pass"] is False and ratio["worst"] == 1.0 + 4e-7 and ratio["worst_cell"] == "full10k"
    assert ratio["gap"] == pytest.approx(-4e-7) and ratio["margin"] < 0 and ratio["edge"]
    assert ratio["mismatch"] == [] and ratio["missing"] == []

    near = rows["near"]        # 0.1 to spare, spread 0.2: half a spread from its goal
    assert near["pass"] and near["worst"] == 0.6 and near["spread"] == pytest.approx(0.2)
    assert near["margin"] == pytest.approx(0.5) and near["edge"] is True

    wide = rows["wide"]        # 0.8 to spare, spread 0.1
    assert wide["pass"] and wide["margin"] == pytest.approx(8.0) and wide["edge"] is False

    fact = rows["fact"]        # the same value everywhere
    assert fact["pass"] and fact["exact"] and fact["spread"] == 0
    assert fact["margin"] is None and fact["edge"] is False

    nan = rows["nan"]          # NaN (stored as None) in one cell: no verdict there, so no pass
    assert nan["pass"] is False and nan["missing"] == ["full10k"] and nan["margin"] is None

    liar = rows["liar"]        # every value passes, but a stored verdict disagrees
    assert liar["pass"] is False and liar["mismatch"] == ["full10k"]


def test_a_notebook_that_raised_fails_its_claims(tmp_path, claims):
    from pathlib import Path

    runs = fake_build(tmp_path, "98_fake")
    runs["full10k"]["98_fake"]["error"] = "RuntimeError: boom"
    rows = claims.collect(CELLS, [Path("98_fake.ipynb")], runs, tmp_path / "claims")
    assert not any(r["pass"] for r in rows)


def test_show_value_tells_the_side_of_the_goal(claims):
    assert claims.show_value(1.0 + 4e-7, "<=", 1.0) == "1.0000004"
    assert claims.show_value(0.7499999, "<=", 0.75) == "0.7499999"
    assert claims.show_value(0.73214, "<=", 0.75) == "0.7321"
    assert claims.show_value(1.0, "<=", 1.0) == "1"


def test_collect_only_writes_labelled_report_and_table(tmp_path, claims):
    """--collect-only with an injected build folder and README: nothing of the real build/ is touched."""
    stem = claims.notebooks(["01"])[0].stem
    fake_build(tmp_path, stem)
    readme = tmp_path / "README.md"
    readme.write_text("intro\n<!-- claims:start -->\nthe old table\n<!-- claims:end -->\nafter\n")
    status = claims.main(["--collect-only", "--build", str(tmp_path), "--cells", *CELLS,
                          "--notebooks", "01", "--readme", str(readme)])
    assert status == 1                                  # "ratio", "nan" and "liar" fail

    report = json.loads((tmp_path / "claims.json").read_text())
    assert report["cells"]["full10k"]["synthetic"] is True
    assert "not MNIST" in report["cells"]["full10k"]["description"]
    assert report["cells"]["shipped"]["synthetic"] is False
    by_key = {r["key"]: r for r in report["claims"]}
    assert by_key["near"]["margin"] == pytest.approx(0.5) and by_key["near"]["edge"] is True
    assert by_key["ratio"]["values"]["full10k"] == 1.0 + 4e-7

    text = readme.read_text()
    assert text.startswith("intro\n<!-- claims:start -->\n") and text.endswith("<!-- claims:end -->\nafter\n")
    assert "the old table" not in text
    assert "Matrix: shipped (MNIST subset); full10k* (**synthetic, not MNIST**)" in text
    assert "| notebook | claim | worst | goal | margin | holds |" in text
    assert "| 01 | VAE - AE | 0.6 | > 0.5 | 0.50 **at the edge** | yes |" in text
    assert "| 01 | MSE | 0.2 | < 1 | 8.00 | yes |" in text
    assert "| 01 | largest change | 0 | < 1e-05 | exact | yes |" in text
    assert "| 01 | AE/PCA | 1.0000004 | <= 1 | -4e-05 | **no** |" in text
    assert f"**{stem} `liar`:** stored verdict disagrees with the value in full10k" in text
    assert f"**{stem} `nan`:** no value in full10k" in text
    assert "they do not test other digits" in text


def test_collect_only_needs_a_run(tmp_path, claims):
    with pytest.raises(SystemExit, match="runs.json is missing"):
        claims.main(["--collect-only", "--build", str(tmp_path), "--notebooks", "01"])
