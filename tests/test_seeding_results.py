"""Seeding reproduces; threads come from COURSE_THREADS; checks print verdicts; the results recorder
rounds and writes only when asked."""

import json

import pytest
import torch
from threadpoolctl import threadpool_info, threadpool_limits

import course_utils as cu


def test_seed_everything_reproduces_and_leaves_threads_alone(monkeypatch):
    monkeypatch.delenv("COURSE_SPLIT_SEED", raising=False)
    torch.set_num_threads(1)
    assert cu.seed_everything(3) == 3
    a = torch.randn(5)
    cu.seed_everything(3)
    assert torch.equal(a, torch.randn(5))
    assert torch.get_num_threads() == 1


def test_seed_everything_follows_the_split_seed(monkeypatch):
    """Another split also gives other weights: the returned seed, and every draw from it, changes."""
    monkeypatch.setenv("COURSE_SPLIT_SEED", "0")
    seed0 = cu.seed_everything(0)
    w0 = torch.nn.Linear(4, 3).weight.detach().clone()
    monkeypatch.setenv("COURSE_SPLIT_SEED", "1")
    seed1 = cu.seed_everything(0)
    w1 = torch.nn.Linear(4, 3).weight.detach().clone()
    assert (seed0, seed1) == (0, 1000)
    assert not torch.equal(w0, w1)


def _blas_threads() -> list[int]:
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def test_set_threads_reads_course_threads(monkeypatch):
    before, blas_before = torch.get_num_threads(), max(_blas_threads(), default=1)
    try:
        monkeypatch.delenv("COURSE_THREADS", raising=False)
        assert cu.set_threads() == 2
        monkeypatch.setenv("COURSE_THREADS", "1")
        assert cu.set_threads() == 1 == torch.get_num_threads()
        blas = _blas_threads()
        assert len(blas) >= 2 and set(blas) == {1}, f"NumPy's and SciPy's BLAS threads: {blas}"
        assert cu.set_threads(2) == 2
        monkeypatch.setenv("COURSE_THREADS", "0")
        assert cu.set_threads() == 2  # 0 keeps what PyTorch has
        for bad in ("two", "-1"):
            monkeypatch.setenv("COURSE_THREADS", bad)
            with pytest.raises(ValueError, match="COURSE_THREADS"):
                cu.set_threads()
    finally:
        torch.set_num_threads(before)
        threadpool_limits(limits=blas_before, user_api="blas")


def test_check_prints_a_verdict_and_never_raises(capsys):
    assert cu.check("AE reaches PCA's error, AE/PCA", torch.tensor(0.99), "<=", 1.01) is None
    cu.check("angle within 5 degrees", 9.04, "<=", 5, digits=1)
    cu.check("nan is never a pass", float("nan"), ">", 0)
    assert capsys.readouterr().out.splitlines() == [
        "\u2713 AE reaches PCA's error, AE/PCA \u2014 measured 0.990, goal <= 1.01",
        "\u2717 angle within 5 degrees \u2014 measured 9.0, goal <= 5",
        "\u2717 nan is never a pass \u2014 measured nan, goal > 0"]
    with pytest.raises(ValueError, match="unknown comparison"):
        cu.check("x", 1, "==", 1)


def test_results_check_records_raw_value_and_claim(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    r = cu.Results("99_test")
    r.check({"ratio_k2": ("AE reaches PCA's error", 1.000049, "<= 1.01"),
             "gap": ("VAE beats AE, VAE - AE", torch.tensor(-0.25, dtype=torch.float64), "> 0", 2)})
    assert r.claims["ratio_k2"]["pass"] is True
    assert json.loads((tmp_path / "99_test.json").read_text()) == {"gap": -0.25, "ratio_k2": 1.000049}
    claims = json.loads((tmp_path / "99_test.claims.json").read_text())
    assert claims["gap"] == {"claim": "VAE beats AE, VAE - AE", "op": ">", "goal": 0, "value": -0.25, "pass": False}
    out = capsys.readouterr().out.splitlines()
    assert out == ["\u2713 AE reaches PCA's error \u2014 measured 1.000, goal <= 1.01",
                   "\u2717 VAE beats AE, VAE - AE \u2014 measured -0.25, goal > 0"]


@pytest.mark.parametrize(("value", "goal"), [(-5e-13, ">= 0"), (1.0100004, "<= 1.01"), (0.0, "> 0"), (3e-9, "< 0")])
def test_a_miss_smaller_than_the_rounding_step_fails(monkeypatch, tmp_path, capsys, value, goal):
    """The verdict is judged on the raw value: a value that misses its goal by less than the printed
    rounding step prints a cross and is stored as failed, with its raw value."""
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path))
    r = cu.Results("99_test")
    r.check({"edge": ("a claim at its edge", value, goal, 4)})
    claim = json.loads((tmp_path / "99_test.claims.json").read_text())["edge"]
    assert claim["pass"] is False and claim["value"] == value
    assert capsys.readouterr().out.startswith("\u2717 a claim at its edge")


@pytest.mark.parametrize("spec", [("claim", 1.0, "== 1"), ("claim", 1.0, "<="), ("claim", 1.0), ("claim", 1.0, 1.01)])
def test_results_check_rejects_malformed_claims(spec):
    with pytest.raises((ValueError, TypeError), match="goal|claim"):
        cu.Results("99_test").check({"k": spec})


def test_verdict_lines_compare_without_the_value(root):
    """tests/sanitize.cfg blanks the measured value, so nbval compares verdict and goal only."""
    import re

    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((root / "tests" / "sanitize.cfg").read_text())

    def sanitize(text):  # as nbval does it
        for regex, replace in patterns:
            text = re.sub(regex, replace, text)
        return text

    a = sanitize("\u2713 x \u2014 measured 0.714, goal <= 0.75")
    b = sanitize("\u2713 x \u2014 measured 0.717, goal <= 0.75")
    c = sanitize("\u2717 x \u2014 measured 0.771, goal <= 0.75")
    assert a == b != c and "0.75" in a


def test_get_device_cpu_and_errors(monkeypatch):
    monkeypatch.delenv("COURSE_DEVICE", raising=False)
    assert cu.get_device("cpu").type == "cpu"
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        cu.get_device("tpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="not available"):
        cu.get_device("cuda")


def test_fmt_rounds_and_drops_negative_zero():
    assert cu.fmt(-0.0001) == "0.000"
    assert cu.fmt(1.23456, 2) == "1.23"
    assert cu.fmt(torch.tensor(-1.5), 1) == "-1.5"


def test_results_in_memory_without_env(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_RESULTS_DIR", raising=False)
    r = cu.Results("99_test")
    assert r.record(x=torch.tensor(0.123456, dtype=torch.float64)) is None
    r.record({"neg": -0.0, "k_2": 2})
    assert r.path is None and r.values == {"x": 0.123456, "neg": 0.0, "k_2": 2}
    assert str(r.values["neg"]) == "0.0"


def test_results_written_with_env(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "res"))
    r = cu.Results("99_test")
    r.record(k=3)
    r.record(ok=True)
    assert json.loads((tmp_path / "res" / "99_test.json").read_text()) == {"k": 3, "ok": True}


@pytest.mark.parametrize("name", ["", "a/b", "01_x.ipynb"])
def test_results_bad_names(name):
    with pytest.raises(ValueError, match="file stem"):
        cu.Results(name)


def test_results_bad_value():
    with pytest.raises(TypeError, match="record a number"):
        cu.Results("99_test").record(x=[1, 2])
