"""A small digit classifier, used as a "digit-likeness" meter for decoded images.

Notebook 04 uses it to find holes in an autoencoder's latent space, notebook 07
to compare samples of an autoencoder and a VAE: an image counts as digit-like
when a classifier trained on real digits is confident about it.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def train_digit_classifier(
    x: torch.Tensor, y: torch.Tensor, *, epochs: int = 8, batch_size: int = 128, seed: int = 0
) -> nn.Module:
    """Train a small MLP (784-256-10) on real digits.

    Parameters
    ----------
    x : torch.Tensor of shape (n, 1, 28, 28)
        Images in [0, 1].
    y : torch.Tensor of shape (n,)
        Labels 0-9.
    epochs : int, default 8
    batch_size : int, default 128
    seed : int, default 0
        Seeds the initial weights and the batch order.

    Returns
    -------
    classifier : torch.nn.Module
        In eval mode, on the device of ``x``; maps (n, 1, 28, 28) to logits (n, 10).
    """
    if x.dim() != 4 or x.shape[1:] != (1, 28, 28):
        raise ValueError(f"expected images of shape (n, 1, 28, 28), got {tuple(x.shape)}")
    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        clf = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    clf = clf.to(x.device)
    opt = torch.optim.Adam(clf.parameters(), lr=1e-3)
    for _ in range(epochs):
        perm = torch.randperm(len(x), generator=gen).to(x.device)
        for start in range(0, len(x), batch_size):
            idx = perm[start : start + batch_size]
            loss = F.cross_entropy(clf(x[idx]), y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return clf.eval()


@torch.no_grad()
def digit_likeness(classifier: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """Confidence of the classifier's top class for each image (higher = more digit-like).

    Parameters
    ----------
    classifier : torch.nn.Module
        From :func:`train_digit_classifier`.
    images : torch.Tensor of shape (n, 1, 28, 28) or (n, 784)
        Images in [0, 1].

    Returns
    -------
    confidence : torch.Tensor of shape (n,)
        Max softmax probability, in [0.1, 1].
    """
    images = images.reshape(-1, 1, 28, 28)
    device = next(classifier.parameters()).device
    return F.softmax(classifier(images.to(device)), dim=1).max(1).values.cpu()
