"""The epoch loop: lowers the loss, equals a bare loop, rejects wrong loss functions and data."""

import time

import pytest
import torch
from torch import nn
from torch.nn import functional as F

import course_utils as cu
from benchmarks.bare_loop import bare_loop


def mse_loss(model, x):
    x_hat = model(x)
    loss = ((x_hat - x) ** 2).sum(1).mean()
    return loss, {"recon": loss.detach()}


def make_problem(seed=0):
    torch.manual_seed(seed)
    x = torch.randn(300, 8) @ torch.randn(8, 8)
    model = nn.Sequential(nn.Linear(8, 3), nn.Linear(3, 8))
    return model, x


def make_labelled_problem(seed=0):
    """300 points in 8-D, labels 0-2 from a hidden linear rule; a small classifier."""
    torch.manual_seed(seed)
    x = torch.randn(300, 8)
    y = (x @ torch.randn(8, 3)).argmax(1)                     # (300,) int64
    model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 3))
    return model, x, y


def ce_loss(model, x, y):
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    return loss, {"accuracy": (logits.argmax(1) == y).float().mean()}


def assert_same_weights(model_a, model_b):
    for pa, pb in zip(model_a.parameters(), model_b.parameters(), strict=True):
        torch.testing.assert_close(pa, pb, rtol=0, atol=0)


def test_fit_lowers_loss_and_records_terms():
    model, x = make_problem()
    hist = cu.fit(model, mse_loss, x[:250], x_test=x[250:], epochs=20, batch_size=50, lr=1e-2,
                  progress=False)
    assert set(hist.train) == {"loss", "recon"} and set(hist.test) == {"loss", "recon"}
    assert len(hist.train["loss"]) == 20 and len(hist.test["recon"]) == 20
    assert hist.train["loss"][-1] < 0.5 * hist.train["loss"][0]
    assert not model.training
    with torch.no_grad():     # the test loss after the last epoch, written out: mean over the 50 points
        by_hand = ((model(x[250:]) - x[250:]) ** 2).sum(1).mean()
    assert hist.test["loss"][-1] == pytest.approx(float(by_hand), rel=1e-6)


def test_fit_times_the_test_evaluations_apart():
    model, x = make_problem()
    without = cu.fit(model, mse_loss, x[:250], epochs=2, batch_size=50, progress=False)
    assert without.eval_seconds == 0.0 and without.seconds > 0
    slow_eval = []

    def loss_that_marks_evaluation(m, xb):
        if not m.training:               # evaluate() runs the model in eval mode
            slow_eval.append(time.sleep(0.02))
        return mse_loss(m, xb)

    hist = cu.fit(model, loss_that_marks_evaluation, x[:250], x_test=x[250:], epochs=3, batch_size=50,
                  progress=False)
    assert len(slow_eval) >= 3 and 0.06 <= hist.eval_seconds < hist.seconds


def test_fit_equals_bare_loop_and_records_exact_epoch_means():
    """The same weights as the bare loop after 3 epochs of 300 points in batches of 64 (the last
    one 44), and each epoch's loss is the mean over the points of the losses the loop saw."""
    model_a, x = make_problem()
    model_b, _ = make_problem()
    hist = cu.fit(model_a, mse_loss, x, epochs=3, batch_size=64, lr=1e-2, seed=7, progress=False)
    steps = []
    bare_loop(model_b, lambda m, xb: mse_loss(m, xb)[0], x, epochs=3, batch_size=64, lr=1e-2, seed=7,
              on_step=lambda loss, size: steps.append((float(loss), size)))
    assert_same_weights(model_a, model_b)
    assert [size for _, size in steps] == [64, 64, 64, 64, 44] * 3
    means = [sum(loss * size for loss, size in steps[5 * e : 5 * e + 5]) / 300 for e in range(3)]
    assert hist.train["loss"] == pytest.approx(means, rel=1e-6)
    assert hist.train["recon"] == pytest.approx(means, rel=1e-6)


def test_fit_with_labels_slices_every_tensor_with_one_permutation():
    """``fit(model, loss_fn, x, y)`` trains as the bare loop that slices x and y with the same indices."""
    model_a, x, y = make_labelled_problem()
    model_b, _, _ = make_labelled_problem()
    hist = cu.fit(model_a, ce_loss, x[:250], y[:250], x_test=(x[250:], y[250:]), epochs=4,
                  batch_size=32, lr=1e-2, seed=3, progress=False)
    bare_loop(model_b, lambda m, xb, yb: ce_loss(m, xb, yb)[0], x[:250], y[:250], epochs=4,
              batch_size=32, lr=1e-2, seed=3)
    assert_same_weights(model_a, model_b)
    assert set(hist.test) == {"loss", "accuracy"}
    with torch.no_grad():
        logits = model_a(x[250:])
    assert hist.test["loss"][-1] == pytest.approx(float(F.cross_entropy(logits, y[250:])), rel=1e-6)
    assert hist.test["accuracy"][-1] == pytest.approx(float((logits.argmax(1) == y[250:]).float().mean()))
    assert hist.test["accuracy"][-1] > 0.7        # it learned the rule (chance: about 1/3)


def test_evaluate_weights_a_short_last_batch_like_the_full_batch():
    """250 points in batches of 64 (the last one 58): the mean over points, in eval mode, with the
    model's mode restored afterwards."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(8, 16), nn.Dropout(0.5), nn.Linear(16, 8))
    x = torch.randn(250, 8)
    got = cu.evaluate(model, mse_loss, x, batch_size=64)
    assert model.training
    model.eval()
    with torch.no_grad():
        full = ((model(x) - x) ** 2).sum(1).mean()
    assert got == pytest.approx({"loss": float(full), "recon": float(full)}, rel=1e-6)


def test_evaluate_with_labels():
    model, x, y = make_labelled_problem()
    got = cu.evaluate(model, ce_loss, x, y, batch_size=64)
    with torch.no_grad():
        logits = model(x)
    assert got["loss"] == pytest.approx(float(F.cross_entropy(logits, y)), rel=1e-6)
    assert got["accuracy"] == pytest.approx(float((logits.argmax(1) == y).float().mean()))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda m, x, y: cu.fit(m, ce_loss, x, y[:-1], progress=False), r"one length.*\[300, 299\]"),
        (lambda m, x, y: cu.fit(m, ce_loss, x, y.tolist(), progress=False), "non-empty tensor"),
        (lambda m, x, y: cu.fit(m, ce_loss, x, y, x_test=x, progress=False), "x_test .* must be 2"),
        (lambda m, x, y: cu.fit(m, ce_loss, x, y, x_test=(x, y[:5]), progress=False), "x_test .*one length"),
        (lambda m, x, y: cu.evaluate(m, ce_loss, x[:10], y), r"one length.*\[10, 300\]"),
        (lambda m, x, y: cu.evaluate(m, ce_loss), "one or more non-empty tensor"),
    ],
)
def test_mismatched_data_gives_clear_errors(call, match):
    model, x, y = make_labelled_problem()
    with pytest.raises(ValueError, match=match):
        call(model, x, y)


def test_adam_is_fused_where_pytorch_has_the_kernel():
    model, _ = make_problem()
    torch_version = tuple(int(part) for part in torch.__version__.split(".")[:2])
    if torch_version >= (2, 4):  # PyTorch 2.4 added the fused CPU kernel
        assert cu.training.fused_available(model.parameters())
        assert cu.make_optimizer(model.parameters(), "adam").defaults["fused"] is True
        assert cu.make_optimizer(model.parameters(), "adamw").defaults["fused"] is True
        groups = [{"params": [model[0].weight]}, {"params": [model[0].bias], "lr": 0.1}]
        assert cu.make_optimizer(groups).defaults["fused"] is True
    assert not cu.training.fused_available([torch.zeros(3, dtype=torch.int64)])
    assert not cu.make_optimizer([torch.zeros(3, dtype=torch.int64)]).defaults["fused"]
    assert not cu.make_optimizer(model.parameters(), "sgd").defaults.get("fused")


def test_fit_is_reproducible():
    results = []
    for _ in range(2):
        model, x = make_problem()
        results.append(cu.fit(model, mse_loss, x, epochs=2, batch_size=100, progress=False).train)
    assert results[0] == results[1]


@pytest.mark.parametrize("schedule", ["cosine", "onecycle"])
@pytest.mark.parametrize("optimizer", ["adam", "adamw", "sgd"])
def test_optimizers_and_schedules_run(optimizer, schedule):
    model, x = make_problem()
    hist = cu.fit(model, mse_loss, x, epochs=3, lr=1e-3, optimizer=optimizer, schedule=schedule,
                  progress=False)
    assert all(torch.isfinite(torch.tensor(hist.train["loss"])))


@pytest.mark.parametrize(
    "loss_fn, error, match",
    [
        (lambda m, x: ((m(x) - x) ** 2).mean(), TypeError, "must return \\(loss, terms\\)"),
        (lambda m, x: (((m(x) - x) ** 2), {}), TypeError, "reduce it with .mean"),
        (lambda m, x: (((m(x) - x) ** 2).mean(), [1.0]), TypeError, "terms were a list"),
        (lambda m, x: (((m(x) - x) ** 2).mean().detach(), {}), TypeError, "does not require grad"),
    ],
)
def test_wrong_loss_functions_give_clear_errors(loss_fn, error, match):
    model, x = make_problem()
    with pytest.raises(error, match=match):
        cu.fit(model, loss_fn, x, epochs=1, progress=False)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"optimizer": "rmsprop"}, "unknown optimizer 'rmsprop'"),
        ({"schedule": "step"}, "unknown schedule 'step'"),
        ({"epochs": 0}, "epochs and batch_size must be >= 1"),
    ],
)
def test_bad_settings_give_clear_errors(kwargs, match):
    model, x = make_problem()
    with pytest.raises(ValueError, match=match):
        cu.fit(model, mse_loss, x, progress=False, **kwargs)


def test_bad_training_data():
    model, _ = make_problem()
    with pytest.raises(ValueError, match="non-empty tensor"):
        cu.fit(model, mse_loss, [[1.0] * 8], epochs=1)


def test_history_last_errors():
    hist = cu.History(train={"loss": [1.0]})
    with pytest.raises(KeyError, match="no term 'kl'"):
        hist.last("kl")
    with pytest.raises(ValueError, match="unknown split"):
        hist.last("loss", split="valid")


def test_fit_stops_at_the_first_non_finite_loss():
    model, x = make_problem()

    def exploding(model, xb):
        loss, terms = mse_loss(model, xb)
        return loss * float("inf") if terms else loss, terms

    with pytest.raises(FloatingPointError, match=r"epoch 1, step 1 of 6.*smaller learning rate"):
        cu.fit(model, exploding, x, epochs=3, batch_size=50, progress=False)


def test_fit_stops_when_a_too_large_learning_rate_diverges():
    model, x = make_problem()
    with pytest.raises(FloatingPointError, match=r"lr=1e\+06"):
        cu.fit(model, mse_loss, x * 100, epochs=50, batch_size=50, lr=1e6, optimizer="sgd", progress=False)


@pytest.mark.parametrize("steps, n, batch, epochs", [(1000, 4000, 128, 32), (1000, 60000, 128, 3),
                                                     (1, 10, 128, 1), (320, 8000, 256, 10)])
def test_epochs_for_steps_gives_at_least_the_steps(steps, n, batch, epochs):
    got = cu.epochs_for_steps(steps, n, batch)
    assert got == epochs
    assert got * -(-n // batch) >= steps > (got - 1) * -(-n // batch) or got == 1


def test_epochs_for_steps_rejects_nonsense():
    with pytest.raises(ValueError, match=">= 1"):
        cu.epochs_for_steps(0, 100, 10)


def test_progress_off_when_headless(monkeypatch, capsys):
    model, x = make_problem()
    monkeypatch.setenv("COURSE_HEADLESS", "1")
    cu.fit(model, mse_loss, x, epochs=2, batch_size=100)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
