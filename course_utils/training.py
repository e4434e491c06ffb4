"""The epoch loop shared by notebooks 03-08 and the digit meter (notebook 02 writes its loop out once).

Notebooks define the loss (``loss_fn``); this module only batches, steps the optimiser, keeps a history.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import torch
from torch import nn
from tqdm.auto import tqdm

from course_utils.config import headless

LossFn = Callable[..., "tuple[torch.Tensor, Mapping[str, torch.Tensor | float]]"]  # (model, *batch)
OPTIMIZERS = ("adam", "adamw", "sgd")
SCHEDULES = ("constant", "cosine", "onecycle")


@dataclass
class History:
    """Per-epoch averages of every named loss term.

    Attributes
    ----------
    train : dict of str to list of float
        ``train["loss"][e]``: mean training loss of epoch ``e``; other keys: the loss function's terms.
    test : dict of str to list of float
        The same terms on the test data after each epoch (empty without test data).
    seconds, eval_seconds : float
        Wall-clock training time (test evaluations included), and the part of it spent on test evaluations.
    """

    train: dict[str, list[float]] = field(default_factory=dict)
    test: dict[str, list[float]] = field(default_factory=dict)
    seconds: float = 0.0
    eval_seconds: float = 0.0

    def last(self, term: str = "loss", split: str = "train") -> float:
        """Value of ``term`` after the final epoch on ``split`` ("train" or "test")."""
        table = {"train": self.train, "test": self.test}.get(split)
        if table is None:
            raise ValueError(f"unknown split {split!r}; choose 'train' or 'test'.")
        if term not in table:
            raise KeyError(f"no term {term!r} in the {split} history; have {sorted(table)}.")
        return table[term][-1]


def _check_loss_output(out: object) -> tuple[torch.Tensor, Mapping[str, torch.Tensor | float]]:
    msg = ("loss_fn(model, *batch) must return (loss, terms): a scalar tensor that requires grad "
           "and a dict of named float terms, e.g. `return loss, {'recon': recon.item()}`; ")
    if not (isinstance(out, tuple) and len(out) == 2):
        raise TypeError(msg + f"got {type(out).__name__}.")
    loss, terms = out
    if not isinstance(loss, torch.Tensor) or loss.dim() != 0:
        shape = tuple(loss.shape) if isinstance(loss, torch.Tensor) else type(loss).__name__
        raise TypeError(msg + f"the loss was {shape} (reduce it with .mean() or .sum()).")
    if not isinstance(terms, Mapping):
        raise TypeError(msg + f"the terms were a {type(terms).__name__}.")
    return loss, terms


def make_optimizer(
    params: Iterable[nn.Parameter], name: str = "adam", *, lr: float = 1e-3, weight_decay: float = 0.0
) -> torch.optim.Optimizer:
    """Build an optimiser by name.

    Adam and AdamW use PyTorch's fused kernel where this PyTorch has one for the parameters' device
    (PyTorch >= 2.4 on CPU): the same update rule in one pass over each parameter instead of several
    (on one CPU thread, an update of notebook 07's VAE took 0.6 ms instead of 1.7 ms); elsewhere the
    default implementation. The two round differently, so trained numbers differ slightly between them.

    Parameters
    ----------
    params : iterable of torch.nn.Parameter (or of parameter-group dicts)
        The parameters to optimise.
    name : {"adam", "adamw", "sgd"}, default "adam"
        Optimiser (SGD uses momentum 0.9).
    lr : float, default 1e-3
        Learning rate.
    weight_decay : float, default 0.0
        L2 penalty (decoupled for AdamW).

    Returns
    -------
    optimizer : torch.optim.Optimizer
    """
    params = list(params)
    if name in ("adam", "adamw"):
        adam = torch.optim.Adam if name == "adam" else torch.optim.AdamW
        tensors = [t for p in params for t in (p["params"] if isinstance(p, dict) else [p])]
        return adam(params, lr=lr, weight_decay=weight_decay, fused=fused_available(tensors) or None)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=weight_decay)
    raise ValueError(f"unknown optimizer {name!r}; choose one of {OPTIMIZERS}.")


def fused_available(params: Iterable[torch.Tensor]) -> bool:
    """Whether PyTorch has a fused Adam kernel for every one of ``params``.

    Parameters
    ----------
    params : iterable of torch.Tensor
        The parameters to optimise.

    Returns
    -------
    available : bool
        True for floating-point tensors on a device this PyTorch fuses for (CPU from
        PyTorch 2.4 on); False otherwise, or if this PyTorch does not say which devices those are.
    """
    try:  # the list that PyTorch's own check uses
        from torch.optim.optimizer import _get_fused_kernels_supported_devices
    except ImportError:
        return False
    devices = _get_fused_kernels_supported_devices()
    return all(p.device.type in devices and torch.is_floating_point(p) for p in params)


def _make_scheduler(opt, name: str, lr: float, total_steps: int):
    if name == "constant":
        return None
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total_steps)
    if name == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=total_steps)
    raise ValueError(f"unknown schedule {name!r}; choose one of {SCHEDULES}.")


def _check_tensors(tensors: tuple, what: str, count: int | None = None) -> int:
    """The common length of ``tensors`` (``count`` of them, if given): non-empty, on one device."""
    if (not tensors or len(tensors) != (count or len(tensors))
            or not all(isinstance(t, torch.Tensor) and t.dim() >= 1 and len(t) for t in tensors)):
        raise ValueError(f"{what} must be {count or 'one or more'} non-empty tensor(s) of shape (n, ...), "
                         f"got {[type(t).__name__ for t in tensors]}.")
    if len({len(t) for t in tensors}) > 1:
        raise ValueError(f"{what} must have one length (first dimension), got {[len(t) for t in tensors]}.")
    if len({t.device for t in tensors}) > 1:
        raise ValueError(f"{what} must be on one device, got {[str(t.device) for t in tensors]}.")
    return len(tensors[0])


@torch.no_grad()
def evaluate(
    model: nn.Module, loss_fn: LossFn, *tensors: torch.Tensor, batch_size: int = 1000
) -> dict[str, float]:
    """Mean loss and named terms of ``loss_fn`` over ``tensors``, in eval mode, without gradients.

    Parameters
    ----------
    model : torch.nn.Module
    loss_fn : callable
        ``loss_fn(model, *batch) -> (loss, terms)``, as for :func:`fit`.
    *tensors : torch.Tensor of shape (n, ...)
        The data as for :func:`fit`, e.g. ``x`` or ``x, y``, on the model's device; sliced in order.
    batch_size : int, default 1000

    Returns
    -------
    means : dict of str to float
        ``"loss"`` and every named term, averaged over the ``n`` examples (batch means weighted by size).
    """
    n = _check_tensors(tensors, "evaluate's data")
    was_training = model.training
    model.eval()
    sums: dict[str, float] = {}
    for start in range(0, n, batch_size):
        batch = [t[start : start + batch_size] for t in tensors]
        loss, terms = _check_loss_output(loss_fn(model, *batch))
        for key, val in {"loss": loss, **terms}.items():
            sums[key] = sums.get(key, 0.0) + float(val) * len(batch[0])
    model.train(was_training)
    return {key: val / n for key, val in sums.items()}


def fit(
    model: nn.Module, loss_fn: LossFn, *tensors: torch.Tensor,
    x_test: torch.Tensor | tuple[torch.Tensor, ...] | None = None, epochs: int = 10, batch_size: int = 128,
    lr: float = 1e-3, optimizer: str = "adam", weight_decay: float = 0.0, schedule: str = "constant",
    seed: int = 0, progress: bool | None = None,
) -> History:
    """Train ``model`` by minimising ``loss_fn`` with mini-batches sliced from in-memory tensors.

    Each epoch draws a permutation from one generator seeded with ``seed`` and slices every training tensor
    with it (no DataLoader), so a batch keeps each input with its label: ``loss_fn(model, x[idx], y[idx])``.

    Parameters
    ----------
    model : torch.nn.Module
        Already on the device of the tensors.
    loss_fn : callable
        ``loss_fn(model, *batch) -> (loss, terms)``, one batch per training tensor; ``loss``
        a scalar tensor, ``terms`` a dict of named floats (or 0-d tensors) to record.
    *tensors : torch.Tensor of shape (n, ...)
        The training data, all of length ``n`` on one device: inputs ``x`` (n, ...) alone,
        ``fit(model, loss_fn, x)``, or with labels ``y`` (n,), ``fit(model, loss_fn, x, y)``.
    x_test : torch.Tensor of shape (m, ...) or tuple of such tensors, optional
        Test data laid out as ``tensors`` (a tuple for several); :func:`evaluate` after each epoch.
    epochs : int, default 10
    batch_size : int, default 128
    lr : float, default 1e-3
        Learning rate (the peak rate for ``schedule="onecycle"``).
    optimizer : {"adam", "adamw", "sgd"}, default "adam"
    weight_decay : float, default 0.0
    schedule : {"constant", "cosine", "onecycle"}, default "constant"
        Learning-rate schedule, stepped once per batch.
    seed : int, default 0
        Seed of the batch order.
    progress : bool, optional
        Show a progress bar over epochs (``tqdm.auto``: a widget in JupyterLab, removed when
        training ends). Default: on, except when ``COURSE_HEADLESS=1`` (``make lecture``, the tests).

    Returns
    -------
    history : History
        Per-epoch means over the ``n`` examples of the loss and of every named term.

    Raises
    ------
    ValueError
        For tensors of different lengths or devices, or an unknown setting.
    FloatingPointError
        At the first NaN or infinite loss (training diverged), naming epoch and step; try a smaller ``lr``.
    """
    n = _check_tensors(tensors, "the training tensors")
    test = () if x_test is None else tuple(x_test) if isinstance(x_test, (tuple, list)) else (x_test,)
    if x_test is not None:
        _check_tensors(test, "x_test (one tensor per training tensor)", count=len(tensors))
    if epochs < 1 or batch_size < 1:
        raise ValueError(f"epochs and batch_size must be >= 1, got {epochs} and {batch_size}.")
    steps_per_epoch = math.ceil(n / batch_size)
    opt = make_optimizer(model.parameters(), optimizer, lr=lr, weight_decay=weight_decay)
    sched = _make_scheduler(opt, schedule, lr, epochs * steps_per_epoch)
    gen = torch.Generator().manual_seed(seed)
    history, start_time = History(), time.perf_counter()
    bar = tqdm(range(epochs), desc="epochs", leave=False,
               disable=headless() if progress is None else not progress)
    for epoch in bar:
        model.train()
        perm = torch.randperm(n, generator=gen).to(tensors[0].device)
        sums: dict[str, torch.Tensor | float] = {}
        for step, start in enumerate(range(0, n, batch_size)):
            idx = perm[start : start + batch_size]
            loss, terms = _check_loss_output(loss_fn(model, *[t[idx] for t in tensors]))
            if not torch.isfinite(loss):
                bar.close()
                raise FloatingPointError(
                    f"the loss became {float(loss.detach())} at epoch {epoch + 1}, step {step + 1} of "
                    f"{steps_per_epoch}: training diverged. Try a smaller learning rate "
                    f"(lr={lr:g} now, e.g. lr={lr / 10:g}) or check the loss for log(0) or 0/0.")
            if not loss.requires_grad:
                raise TypeError("loss_fn returned a loss that does not require grad; "
                                "compute it from the model's output without .item() or no_grad().")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            for key, val in {"loss": loss.detach(), **terms}.items():
                val = val.detach() if isinstance(val, torch.Tensor) else val
                sums[key] = sums.get(key, 0.0) + val * len(idx)
        for key, total in sums.items():
            history.train.setdefault(key, []).append(float(total) / n)
        if test:
            eval_start = time.perf_counter()
            for key, val in evaluate(model, loss_fn, *test).items():
                history.test.setdefault(key, []).append(val)
            history.eval_seconds += time.perf_counter() - eval_start
    bar.close()
    model.eval()
    history.seconds = time.perf_counter() - start_time
    return history


def epochs_for_steps(steps: int, n_train: int, batch_size: int) -> int:
    """Epochs that give at least ``steps`` optimiser steps on ``n_train`` examples.

    Notebooks size training in steps, so a training set of any size gets enough updates.

    Parameters
    ----------
    steps : int
        Wanted number of optimiser steps, >= 1.
    n_train : int
        Training-set size, >= 1.
    batch_size : int
        Mini-batch size, >= 1.

    Returns
    -------
    epochs : int
        ``ceil(steps / ceil(n_train / batch_size))``, at least 1.
    """
    if min(steps, n_train, batch_size) < 1:
        raise ValueError(f"steps, n_train and batch_size must be >= 1, got {steps}, {n_train}, {batch_size}")
    return max(1, math.ceil(steps / math.ceil(n_train / batch_size)))
