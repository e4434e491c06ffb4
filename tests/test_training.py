"""The epoch loop: lowers the loss, equals a bare loop, rejects wrong loss functions."""

import pytest
import torch
from torch import nn

import course_utils as cu


def mse_loss(model, x):
    x_hat = model(x)
    loss = ((x_hat - x) ** 2).sum(1).mean()
    return loss, {"recon": loss.detach()}


def make_problem(seed=0):
    torch.manual_seed(seed)
    x = torch.randn(300, 8) @ torch.randn(8, 8)
    model = nn.Sequential(nn.Linear(8, 3), nn.Linear(3, 8))
    return model, x


def test_fit_lowers_loss_and_records_terms():
    model, x = make_problem()
    hist = cu.fit(model, mse_loss, x[:250], x_test=x[250:], epochs=20, batch_size=50, lr=1e-2,
                  progress=False)
    assert set(hist.train) == {"loss", "recon"} and set(hist.test) == {"loss", "recon"}
    assert len(hist.train["loss"]) == 20 and len(hist.test["recon"]) == 20
    assert hist.train["loss"][-1] < 0.5 * hist.train["loss"][0]
    assert hist.last("loss") == hist.train["loss"][-1]
    assert hist.test["loss"][-1] == pytest.approx(cu.evaluate(model, mse_loss, x[250:])["loss"])
    assert not model.training


def test_fit_equals_bare_loop_with_same_seed():
    model_a, x = make_problem()
    model_b, _ = make_problem()
    cu.fit(model_a, mse_loss, x, epochs=3, batch_size=64, lr=1e-2, seed=7, progress=False)
    # the same computation written out by hand (fit's Adam is the fused one where PyTorch has it)
    fused = cu.training.fused_available(model_b.parameters()) or None
    opt = torch.optim.Adam(model_b.parameters(), lr=1e-2, fused=fused)
    gen = torch.Generator().manual_seed(7)
    for _ in range(3):
        perm = torch.randperm(len(x), generator=gen)
        for start in range(0, len(x), 64):
            xb = x[perm[start : start + 64]]
            loss = ((model_b(xb) - xb) ** 2).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
    for pa, pb in zip(model_a.parameters(), model_b.parameters(), strict=True):
        torch.testing.assert_close(pa, pb, rtol=0, atol=0)


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


def test_fit_is_reproducible_and_epoch_mean_is_exact():
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
