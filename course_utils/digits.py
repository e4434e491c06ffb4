"""A digit-likeness meter: a small classifier with an eleventh class, "not a digit".

Notebook 04 uses it to find holes in an autoencoder's latent space, notebook 08
to compare samples of an autoencoder and a VAE. A classifier trained on digits
alone is confident about almost anything (uniform noise got a mean top-class
confidence near 0.7), so this one is also shown images that are not digits:
noise, blank and flat grey images, blurred digits, blobs, random strokes, digits
shifted off the centre and inverted digits, all labelled 10. The likeness of an
image is the probability of its most likely digit: high only for an image that is
a digit (not class 10) and one particular digit (not a blend of several).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from course_utils.training import epochs_for_steps, fit

NOT_A_DIGIT = 10
NON_DIGIT_KINDS = ("uniform noise", "sparse noise", "blank", "flat grey", "blurred digits",
                   "blobs", "strokes", "shifted digits", "inverted digits")


def _check_images(x: torch.Tensor, name: str = "x") -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or x.dim() not in (2, 4) or x.shape[1:] not in ((784,), (1, 28, 28)):
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{name} must be images of shape (n, 1, 28, 28) or (n, 784), got {shape}.")
    if len(x) == 0:
        raise ValueError(f"{name} is empty.")
    if not torch.isfinite(x).all() or x.min() < -1e-4 or x.max() > 1 + 1e-4:
        raise ValueError(f"{name} must hold grey values in [0, 1] (apply torch.sigmoid to logits first).")
    return x.reshape(-1, 1, 28, 28)


def _grid(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    rows, cols = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    return rows.expand(n, 28, 28), cols.expand(n, 28, 28)


def _blobs(n: int, gen: torch.Generator) -> torch.Tensor:
    rows, cols = _grid(n)
    out = torch.zeros(n, 28, 28)
    for k in range(3):  # one to three Gaussian bumps per image
        keep = torch.rand(n, 1, 1, generator=gen) < (1.0 if k == 0 else 0.5)
        cy, cx = (4 + 20 * torch.rand(2, n, 1, 1, generator=gen))
        s = 1.5 + 4.5 * torch.rand(n, 1, 1, generator=gen)
        out += keep * torch.exp(-((rows - cy) ** 2 + (cols - cx) ** 2) / (2 * s**2))
    return out.clamp(0, 1)


def _strokes(n: int, gen: torch.Generator) -> torch.Tensor:
    rows, cols = _grid(n)
    out = torch.zeros(n, 28, 28)
    n_strokes = torch.randint(3, 7, (n, 1, 1), generator=gen)
    for k in range(6):  # three to six straight segments, each 1 to 2.5 pixels wide
        (y0, x0), (y1, x1) = 2 + 24 * torch.rand(2, 2, n, 1, 1, generator=gen)
        dy, dx = y1 - y0, x1 - x0
        t = (((rows - y0) * dy + (cols - x0) * dx) / (dy**2 + dx**2 + 1e-6)).clamp(0, 1)
        dist = torch.hypot(rows - y0 - t * dy, cols - x0 - t * dx)
        width = 1.0 + 1.5 * torch.rand(n, 1, 1, generator=gen)
        out = torch.maximum(out, (k < n_strokes) * (1 - dist / width).clamp(0, 1))
    return out


def make_non_digits(digits: torch.Tensor, *, seed: int = 0) -> dict[str, torch.Tensor]:
    """Images that are not digits, one set per kind, some of them made from real digits.

    Parameters
    ----------
    digits : torch.Tensor of shape (n, 1, 28, 28) or (n, 784)
        Real digits with values in [0, 1]; the blurred, shifted and inverted sets are
        made from them, and every set has ``n`` images.
    seed : int, default 0
        Seeds every random choice (a generator of its own; the global RNG is untouched).

    Returns
    -------
    sets : dict of str to torch.Tensor of shape (n, 1, 28, 28)
        Keys :data:`NON_DIGIT_KINDS` in that order, values in [0, 1], on the CPU.
        Uniform noise has every pixel uniform in [0, 1]; blank images are all 0; flat grey
        images one random grey level; blurred digits are averaged over 7 x 7 pixels and
        rescaled to a peak of 1; shifted digits are rolled 7 to 10 pixels along each axis.
    """
    x = _check_images(digits, "digits").detach().float().cpu()
    n = len(x)
    gen = torch.Generator().manual_seed(seed)
    blurred = F.avg_pool2d(x, 7, stride=1, padding=3, count_include_pad=False)
    blurred = blurred / blurred.amax(dim=(1, 2, 3), keepdim=True).clamp_min(1e-6)
    sign = 2 * torch.randint(0, 2, (n, 2), generator=gen) - 1
    shifts = torch.randint(7, 11, (n, 2), generator=gen) * sign                  # (n, 2): 7-10 px, either way
    shifted = torch.stack([torch.roll(img, shifts=(int(dy), int(dx)), dims=(1, 2))
                           for img, (dy, dx) in zip(x, shifts, strict=True)])
    sparse = (torch.rand(n, 1, 28, 28, generator=gen) < 0.05 + 0.45 * torch.rand(n, 1, 1, 1, generator=gen))
    sets = {
        "uniform noise": torch.rand(n, 1, 28, 28, generator=gen),
        "sparse noise": sparse * torch.rand(n, 1, 28, 28, generator=gen),
        "blank": torch.zeros(n, 1, 28, 28),
        "flat grey": torch.rand(n, 1, 1, 1, generator=gen).expand(n, 1, 28, 28).clone(),
        "blurred digits": blurred,
        "blobs": _blobs(n, gen).unsqueeze(1),
        "strokes": _strokes(n, gen).unsqueeze(1),
        "shifted digits": shifted,
        "inverted digits": 1 - x,
    }
    assert tuple(sets) == NON_DIGIT_KINDS
    return sets


def train_digit_classifier(
    x: torch.Tensor, y: torch.Tensor, *, hidden: int = 128, steps: int = 600, batch_size: int = 256,
    lr: float = 8e-3, seed: int = 0
) -> nn.Module:
    """Train the meter: an MLP (784-hidden-11) on real digits (classes 0-9) and non-digits (class 10).

    The non-digits come from :func:`make_non_digits` on ``x``, about as many as digits in all
    (``len(x) // 8`` of each of its nine kinds). Training uses :func:`course_utils.fit`.

    Parameters
    ----------
    x : torch.Tensor of shape (n, 1, 28, 28)
        Real digits, values in [0, 1].
    y : torch.Tensor of shape (n,)
        Their labels, integers 0-9.
    hidden : int, default 128
        Hidden units.
    steps : int, default 600
        Optimiser steps (rounded up to whole epochs).
    batch_size : int, default 256
    lr : float, default 8e-3
        Peak learning rate of Adam's one-cycle schedule.
    seed : int, default 0
        Seeds the non-digits, the initial weights and the batch order.

    Returns
    -------
    classifier : torch.nn.Module
        In eval mode, on the device of ``x``; maps (n, 1, 28, 28) to logits (n, 11).
    """
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or x.shape[1:] != (1, 28, 28):
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"expected images of shape (n, 1, 28, 28), got {shape}")
    _check_images(x)
    if not isinstance(y, torch.Tensor) or y.shape != (len(x),):
        raise ValueError(f"y must be a tensor of {len(x)} labels, one per image.")
    if y.dtype.is_floating_point or y.min() < 0 or y.max() > 9:
        raise ValueError("y must hold integer digit labels 0-9.")
    per_kind = max(1, len(x) // 8)
    keep = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))[:per_kind]
    others = torch.cat(list(make_non_digits(x[keep.to(x.device)], seed=seed).values())).to(x.device)
    images = torch.cat([x, others])                                 # (N, 1, 28, 28), N = n + 9 * per_kind
    labels = torch.cat([y.to(x.device, torch.long),
                        torch.full((len(others),), NOT_A_DIGIT, device=x.device)])    # (N,), 0-10

    def loss_fn(model: nn.Module, xb: torch.Tensor, yb: torch.Tensor):
        return F.cross_entropy(model(xb), yb), {}                             # logits (B, 11), labels (B,)

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        clf = nn.Sequential(nn.Flatten(), nn.Linear(784, hidden), nn.ReLU(), nn.Linear(hidden, 11))
    clf = clf.to(x.device)
    fit(clf, loss_fn, images, labels, epochs=epochs_for_steps(steps, len(images), batch_size),
        batch_size=batch_size, lr=lr, schedule="onecycle", seed=seed, progress=False)
    return clf.eval()


@torch.no_grad()
def digit_likeness(classifier: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """How digit-like each image is: the meter's probability of the most likely digit 0-9.

    Parameters
    ----------
    classifier : torch.nn.Module
        From :func:`train_digit_classifier` (11 outputs, the last one "not a digit").
    images : torch.Tensor of shape (n, 1, 28, 28) or (n, 784)
        Images with values in [0, 1], on any device.

    Returns
    -------
    likeness : torch.Tensor of shape (n,)
        ``max(p(0), ..., p(9))`` of the 11-class softmax, in [0, 1], on the CPU: low for
        images of class 10 ("not a digit") and for blends the meter cannot assign to one digit.

    Notes
    -----
    The meter was trained with blurred digits as "not a digit", so the likeness also rewards
    sharpness: a readable but blurry digit scores lower than a sharp one (notebook 04 measures
    real test digits averaged over 5 x 5 pixels).
    """
    images = _check_images(images, "images")
    device = next(classifier.parameters()).device
    logits = classifier(images.to(device))
    if logits.shape[1:] != (11,):
        raise ValueError(f"the classifier must have 11 outputs (digits 0-9, not a digit), "
                         f"got {logits.shape[1]}.")
    return F.softmax(logits, dim=1)[:, :NOT_A_DIGIT].amax(dim=1).cpu()


@torch.no_grad()
def digit_features(classifier: nn.Module, images: torch.Tensor) -> torch.Tensor:
    """The meter's features of each image: its hidden layer, before the 11 output logits.

    For a Frechet distance between generated and real digits
    (:func:`course_utils.metrics.frechet_distance`), as the Frechet Inception Distance uses
    the features of an Inception network.

    Parameters
    ----------
    classifier : torch.nn.Module
        From :func:`train_digit_classifier`: a ``torch.nn.Sequential`` whose last layer maps
        the features to 11 logits.
    images : torch.Tensor of shape (n, 1, 28, 28) or (n, 784)
        Images with values in [0, 1], on any device.

    Returns
    -------
    features : torch.Tensor of shape (n, hidden)
        The activations that feed the last layer (after its ReLU, so >= 0), on the CPU.
    """
    images = _check_images(images, "images")
    if not isinstance(classifier, nn.Sequential) or not isinstance(classifier[-1], nn.Linear) \
            or classifier[-1].out_features != 11:
        raise ValueError("the classifier must be an nn.Sequential ending in a Linear layer with 11 outputs "
                         "(train it with train_digit_classifier).")
    device = next(classifier.parameters()).device
    return classifier[:-1](images.to(device)).cpu()
