"""The bare PyTorch training loop that ``course_utils.fit`` is held against.

One home for it: ``benchmarks/bench.py`` times ``fit`` against it (the loop overhead) and
``tests/test_training.py`` checks that ``fit`` computes the same thing (the same weights after
training, the same batches). It does only what ``fit`` must do too: a permutation per epoch,
slicing every tensor with it, ``zero_grad``/``backward``/``step`` of the same Adam. It keeps
no history, runs no schedule and checks nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from course_utils.training import fused_available


def bare_loop(
    model: nn.Module, loss_fn: Callable[..., torch.Tensor], *tensors: torch.Tensor, epochs: int,
    batch_size: int, lr: float, seed: int = 0,
    on_step: Callable[[torch.Tensor, int], None] | None = None,
) -> nn.Module:
    """Train ``model`` with Adam on mini-batches sliced from ``tensors``, as ``cu.fit`` does.

    Parameters
    ----------
    model : torch.nn.Module
        On the device of ``tensors``; trained in place.
    loss_fn : callable
        ``loss_fn(model, *batch) -> loss``, a scalar tensor (no named terms).
    *tensors : torch.Tensor of shape (n, ...)
        Training data, e.g. ``x`` or ``x, y``; every tensor is sliced with the same permutation.
    epochs, batch_size : int
    lr : float
        Adam's learning rate (the fused kernel where PyTorch has one, as in ``cu.make_optimizer``).
    seed : int, default 0
        Seeds the one generator that draws every epoch's permutation.
    on_step : callable, optional
        ``on_step(loss, batch_len)`` after every step, with the detached loss.

    Returns
    -------
    model : torch.nn.Module
        The same model, trained.
    """
    fused = fused_available(model.parameters()) or None
    opt = torch.optim.Adam(model.parameters(), lr=lr, fused=fused)
    gen = torch.Generator().manual_seed(seed)
    n = len(tensors[0])
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen).to(tensors[0].device)
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            loss = loss_fn(model, *[t[idx] for t in tensors])
            opt.zero_grad()
            loss.backward()
            opt.step()
            if on_step is not None:
                on_step(loss.detach(), len(idx))
    return model
