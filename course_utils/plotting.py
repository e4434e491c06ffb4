"""Plot helpers. Each takes an optional ``ax``, draws, and returns the Figure.

None of them calls ``plt.show()``: end the notebook cell with it. They detach
tensors, move them to the CPU and never modify their inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils.training import History


def axes_or_new(ax: Axes | None, figsize: tuple[float, float], projection: str | None = None) -> Axes:
    """``ax`` itself, or the axes of a new figure of size ``figsize`` (for the plot helpers)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=figsize)
    return fig.add_subplot(projection=projection)


def _as_images(x: torch.Tensor, name: str = "x") -> torch.Tensor:
    """Validate and return images as a CPU float tensor of shape (n, 1, H, W) in [0, 1]."""
    if isinstance(x, np.ndarray):
        x = torch.from_numpy(x)
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of images, got {type(x).__name__}")
    x = x.detach().cpu().float()
    if x.dim() == 2 and x.shape[1] == 784:
        x = x.reshape(-1, 1, 28, 28)
    elif x.dim() == 3:
        x = x.unsqueeze(1)
    if x.dim() != 4 or x.shape[1] not in (1, 3) or len(x) == 0:
        raise ValueError(
            f"{name} must have shape (n, 1, H, W), (n, H, W) or (n, 784); got {tuple(x.shape)}"
        )
    lo, hi = float(x.min()), float(x.max())
    if lo < -1e-3 or hi > 1 + 1e-3:
        raise ValueError(
            f"{name} must hold values in [0, 1], found [{lo:.3g}, {hi:.3g}]; "
            "apply torch.sigmoid to logits or .clamp(0, 1) to a linear reconstruction first."
        )
    return x.clamp(0, 1)


def plot_images(
    x: torch.Tensor, *, nrow: int = 10, ax: Axes | None = None, title: str | None = None
) -> Figure:
    """Draw images as one grid (``torchvision.utils.make_grid``).

    Parameters
    ----------
    x : torch.Tensor of shape (n, 1, H, W), (n, H, W) or (n, 784)
        Images with values in [0, 1], on any device.
    nrow : int, default 10
        Images per row.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from torchvision.utils import make_grid

    imgs = _as_images(x)
    grid = make_grid(imgs, nrow=nrow, padding=2, pad_value=1.0)
    rows = int(np.ceil(len(imgs) / nrow))
    ax = axes_or_new(ax, (min(nrow, len(imgs)) * 0.6 + 0.4, rows * 0.6 + 0.5))
    ax.imshow(grid.permute(1, 2, 0).numpy(), cmap="gray", vmin=0, vmax=1)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax.figure


def plot_reconstructions(
    x: torch.Tensor,
    reconstructions: Mapping[str, torch.Tensor],
    *,
    n: int = 10,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Originals in the top row, one row of reconstructions per model below.

    Parameters
    ----------
    x : torch.Tensor of shape (N, 1, 28, 28)
        Original images in [0, 1].
    reconstructions : dict of str to torch.Tensor of shape (N, 1, 28, 28)
        Row label -> reconstructions of ``x`` (same order), values in [0, 1].
    n : int, default 10
        Number of images (columns) shown.
    ax : matplotlib.axes.Axes, optional
    title : str, optional

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    from torchvision.utils import make_grid

    rows = {"original": _as_images(x, "x")[:n]}
    for label, rec in reconstructions.items():
        rows[label] = _as_images(rec, f"reconstructions[{label!r}]")[:n]
        if rows[label].shape != rows["original"].shape:
            raise ValueError(f"reconstructions[{label!r}] has shape {tuple(rec.shape)}, "
                             f"expected the shape of x, {tuple(x.shape)}")
    imgs = torch.cat(list(rows.values()))
    ncol = len(rows["original"])
    grid = make_grid(imgs, nrow=ncol, padding=2, pad_value=1.0)
    ax = axes_or_new(ax, (ncol * 0.6 + 1.5, len(rows) * 0.65 + 0.4))
    ax.imshow(grid.permute(1, 2, 0).numpy(), cmap="gray", vmin=0, vmax=1)
    h = imgs.shape[2] + 2
    ax.set_yticks([2 + h * (i + 0.5) for i in range(len(rows))], list(rows))
    ax.set_xticks([])
    for side in ax.spines.values():
        side.set_visible(False)
    if title:
        ax.set_title(title)
    return ax.figure


def plot_latent(
    z: torch.Tensor,
    labels: torch.Tensor | None = None,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    s: float = 4.0,
) -> Figure:
    """Scatter of 2-D codes coloured by digit label.

    Parameters
    ----------
    z : torch.Tensor of shape (n, 2)
        Codes (only the first two columns are drawn if wider).
    labels : torch.Tensor of shape (n,), optional
        Integer labels 0-9 used as colours (tab10) with a legend.
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    s : float, default 4
        Marker size.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    z = torch.as_tensor(z).detach().cpu().float()
    if z.dim() != 2 or z.shape[1] < 2:
        raise ValueError(f"z must have shape (n, 2) (or wider), got {tuple(z.shape)}")
    ax = axes_or_new(ax, (5, 4.5))
    if labels is None:
        ax.scatter(z[:, 0], z[:, 1], s=s, color="tab:blue", alpha=0.7)
    else:
        labels = torch.as_tensor(labels).detach().cpu()
        if labels.shape != (len(z),):
            raise ValueError(f"labels must have shape ({len(z)},), got {tuple(labels.shape)}")
        sc = ax.scatter(z[:, 0], z[:, 1], c=labels.numpy(), cmap="tab10", vmin=-0.5, vmax=9.5,
                        s=s, alpha=0.7)
        ax.legend(*sc.legend_elements(), loc="center left", bbox_to_anchor=(1.0, 0.5),
                  fontsize="small", frameon=False, title="digit")
    ax.set_xlabel("$z_1$")
    ax.set_ylabel("$z_2$")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_history(
    history: History | Mapping[str, Sequence[float]],
    *,
    terms: Sequence[str] | None = None,
    split: str = "train",
    ax: Axes | None = None,
    hlines: Mapping[str, float] | None = None,
    logy: bool = False,
    title: str | None = None,
) -> Figure:
    """Loss curves: one line per named term, per epoch.

    Parameters
    ----------
    history : course_utils.training.History or dict of str to list of float
        What :func:`course_utils.fit` returned, or a plain ``{term: values}`` dict.
    terms : sequence of str, optional
        Which terms to draw (default: all).
    split : {"train", "test", "both"}, default "train"
        Which part of a History to draw.
    ax : matplotlib.axes.Axes, optional
    hlines : dict of str to float, optional
        Reference levels drawn as dashed horizontal lines, e.g. ``{"PCA": 0.05}``.
    logy : bool, default False
    title : str, optional

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    if isinstance(history, Mapping):
        curves = {k: list(v) for k, v in history.items()}
    elif isinstance(history, History):
        parts = {"train": [("", history.train)], "test": [("", history.test)],
                 "both": [("train ", history.train), ("test ", history.test)]}
        if split not in parts:
            raise ValueError(f"unknown split {split!r}; choose 'train', 'test' or 'both'.")
        curves = {f"{p}{k}": v for p, part in parts[split] for k, v in part.items()
                  if terms is None or k in terms}
        terms = None
    else:
        raise TypeError(f"history must be a History or a dict, got {type(history).__name__}")
    if terms is not None:
        unknown = [t for t in terms if t not in curves]
        if unknown:
            raise KeyError(f"no term(s) {unknown} in the history; have {sorted(curves)}.")
        curves = {t: curves[t] for t in terms}
    if not curves:
        raise ValueError("nothing to plot: the history is empty.")
    ax = axes_or_new(ax, (5.5, 3.5))
    for name, values in curves.items():
        ax.plot(np.arange(1, len(values) + 1), values, label=name)
    for name, level in (hlines or {}).items():
        ax.axhline(level, ls="--", color="gray", lw=1)
        ax.annotate(name, (1, level), xytext=(2, 2), textcoords="offset points",
                    fontsize="small", color="gray")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend(fontsize="small")
    if title:
        ax.set_title(title)
    return ax.figure
