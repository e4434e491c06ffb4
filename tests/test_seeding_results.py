"""Seeding reproduces; threads come from COURSE_THREADS; checks print verdicts; the results recorder
rounds and writes only when asked."""

import json

import pytest
import torch

import course_utils as cu


def test_seed_everything_reproduces_and_leaves_threads_alone():
    torch.set_num_threads(1)
    cu.seed_everything(3)
    a = torch.randn(5)
    cu.seed_everything(3)
    assert torch.equal(a, torch.randn(5))
    assert torch.get_num_threads() == 1


def test_set_threads_reads_course_threads(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.delenv("COURSE_THREADS", raising=False)
        assert cu.set_threads() == 2
        monkeypatch.setenv("COURSE_THREADS", "1")
        assert cu.set_threads() == 1 == torch.get_num_threads()
        assert cu.set_threads(2) == 2
        monkeypatch.setenv("COURSE_THREADS", "0")
        assert cu.set_threads() == 2  # 0 keeps what PyTorch has
        for bad in ("two", "-1"):
            monkeypatch.setenv("COURSE_THREADS", bad)
            with pytest.raises(ValueError, match="COURSE_THREADS"):
                cu.set_threads()
    finally:
        torch.set_num_threads(before)


def test_check_prints_a_verdict_and_never_raises(capsys):
    assert cu.check("ratio reaches the goal", torch.tensor(0.99) <= 1.01, "ratio 0.990, goal <= 1.01") is True
    assert cu.check("angle reaches the goal", False, "angle 9.0, goal <= 5") is False
    assert capsys.readouterr().out.splitlines() == [
        "\u2713 ratio reaches the goal: ratio 0.990, goal <= 1.01",
        "\u2717 angle reaches the goal: angle 9.0, goal <= 5"]


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
    assert r.record("x", torch.tensor(0.123456), 3) == 0.123
    assert r.record("neg", -0.00001, 2) == 0.0 and str(r.record("neg", -0.00001, 2)) == "0.0"
    assert r.path is None and r.values == {"x": 0.123, "neg": 0.0}


def test_results_written_with_env(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_RESULTS_DIR", str(tmp_path / "res"))
    r = cu.Results("99_test")
    r.record("k", 3)
    r.record("ok", True)
    assert json.loads((tmp_path / "res" / "99_test.json").read_text()) == {"k": 3, "ok": True}


@pytest.mark.parametrize("name", ["", "a/b", "01_x.ipynb"])
def test_results_bad_names(name):
    with pytest.raises(ValueError, match="file stem"):
        cu.Results(name)


def test_results_bad_value():
    with pytest.raises(TypeError, match="takes a number"):
        cu.Results("99_test").record("x", [1, 2])
