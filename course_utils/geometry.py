"""Toy geometry for the PCA and manifold demos: the data and its plots.

The data: a correlated 2-D Gaussian cloud and 2-D manifolds rolled up in 3-D.
The single-panel plot helpers, like every plot helper, each take an optional ``ax``, draw and
return the Figure; ``plot_manifold_codes`` draws a grid of panels on a new Figure. None calls
``plt.show()``.
"""

from __future__ import annotations

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from course_utils.plotting import axes_or_new

MANIFOLDS = ("swiss_roll", "s_curve")


def make_gaussian_cloud(
    n: int = 200, *, angle_deg: float = 30.0, stds: tuple[float, float] = (2.0, 0.5), seed: int = 0
) -> torch.Tensor:
    """A correlated 2-D Gaussian cloud, the slide's "PCA with N=2 and M=1" data.

    Parameters
    ----------
    n : int, default 200
        Number of points.
    angle_deg : float, default 30
        Direction of largest spread, in degrees from the x-axis.
    stds : tuple of float, default (2.0, 0.5)
        Standard deviations along the major and minor axis.
    seed : int, default 0
        Seed of the generator (independent of the global seed).

    Returns
    -------
    X : torch.Tensor of shape (n, 2), float32
        Points centred near (1, 2) (not at the origin, so centring matters).
    """
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    rng = np.random.default_rng(seed)
    a = np.deg2rad(angle_deg)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    z = rng.standard_normal((n, 2)) * np.asarray(stds)
    return torch.from_numpy((z @ rot.T + np.array([1.0, 2.0])).astype(np.float32))


def make_manifold(
    name: str = "swiss_roll", n: int = 1500, *, noise: float = 0.0, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """A 2-D manifold embedded in 3-D (scikit-learn's swiss roll or S-curve).

    Parameters
    ----------
    name : {"swiss_roll", "s_curve"}, default "swiss_roll"
        Which manifold.
    n : int, default 1500
        Number of points.
    noise : float, default 0.0
        Standard deviation of Gaussian noise added to the points.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    X : torch.Tensor of shape (n, 3), float32
        The points.
    coords : torch.Tensor of shape (n, 2), float32
        The true 2-D coordinates of each point on the manifold: column 0 runs
        along the rolled-up direction (use it as the colour), column 1 is the
        height (``X[:, 1]``). A code that "unrolls" the manifold predicts both
        linearly (see :func:`course_utils.unrolling_r2`).
    """
    from sklearn.datasets import make_s_curve, make_swiss_roll

    makers = {"swiss_roll": make_swiss_roll, "s_curve": make_s_curve}
    if name not in makers:
        raise ValueError(f"unknown manifold {name!r}; choose one of {MANIFOLDS}.")
    X, t = makers[name](n_samples=n, noise=noise, random_state=seed)
    coords = np.stack([t, X[:, 1]], axis=1)
    return torch.from_numpy(X.astype(np.float32)), torch.from_numpy(coords.astype(np.float32))


def plot_manifold_3d(
    X: torch.Tensor,
    color: torch.Tensor | None = None,
    *,
    elev: float = 10,
    azim: float = -70,
    ax: Axes | None = None,
    title: str | None = None,
    color_label: str | None = None,
) -> Figure:
    """3-D scatter of points on a manifold, coloured by their manifold coordinate.

    Parameters
    ----------
    X : torch.Tensor of shape (n, 3)
    color : torch.Tensor of shape (n,), optional
    elev, azim : float
        View angles in degrees.
    ax : mpl_toolkits.mplot3d.axes3d.Axes3D, optional
        Must be a 3-D axes (``fig.add_subplot(projection="3d")``).
    title : str, optional
    color_label : str, optional
        If given (and ``color`` is), draw a colour bar with this label.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    X = torch.as_tensor(X).detach().cpu()
    if X.dim() != 2 or X.shape[1] != 3:
        raise ValueError(f"X must have shape (n, 3), got {tuple(X.shape)}")
    if ax is not None and getattr(ax, "name", "") != "3d":
        raise ValueError("ax must be a 3-D axes: fig.add_subplot(projection='3d')")
    ax = axes_or_new(ax, (5, 4.5), projection="3d")
    c = None if color is None else torch.as_tensor(color).detach().cpu().numpy()
    dots = ax.scatter(X[:, 0], X[:, 1], X[:, 2], c=c, cmap="viridis", s=4)
    ax.view_init(elev=elev, azim=azim)
    ax.set(xlabel="$x$", ylabel="$y$ (height)", zlabel="$z$")
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_major_locator(MaxNLocator(3))
    if color_label and c is not None:
        ax.figure.colorbar(dots, ax=ax, label=color_label, shrink=0.7, pad=0.1)
    if title:
        ax.set_title(title)
    return ax.figure


def plot_projection_2d(
    X: torch.Tensor,
    mean: torch.Tensor,
    direction: torch.Tensor,
    *,
    ax: Axes | None = None,
    title: str | None = None,
    n_errors: int | None = None,
) -> Figure:
    """2-D points, a line through ``mean`` along ``direction``, projections and error segments.

    This is the slide "A picture of PCA with N=2 and M=1".

    Parameters
    ----------
    X : torch.Tensor of shape (n, 2)
    mean : torch.Tensor of shape (2,)
        A point on the line.
    direction : torch.Tensor of shape (2,)
        Direction of the line (normalised here).
    ax : matplotlib.axes.Axes, optional
    title : str, optional
    n_errors : int, optional
        Draw the projections and error segments of the first ``n_errors`` points only
        (default: all), so the line stays visible.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    X = torch.as_tensor(X).detach().cpu().double()
    mean = torch.as_tensor(mean).detach().cpu().double().reshape(-1)
    u = torch.as_tensor(direction).detach().cpu().double().reshape(-1)
    if X.dim() != 2 or X.shape[1] != 2 or mean.shape != (2,) or u.shape != (2,):
        raise ValueError("X must be (n, 2), mean and direction (2,); got "
                         f"{tuple(X.shape)}, {tuple(mean.shape)}, {tuple(u.shape)}")
    u = u / u.norm()
    proj = mean + ((X - mean) @ u)[:, None] * u
    ax = axes_or_new(ax, (5, 4.5))
    m = len(X) if n_errors is None else n_errors
    for i, (p, q) in enumerate(zip(X[:m], proj[:m], strict=True)):
        ax.plot([p[0], q[0]], [p[1], q[1]], color="tab:blue", lw=1.2, zorder=2,
                label="error (distance to the line)" if i == 0 else None)
    t = torch.linspace(-1, 1, 2, dtype=torch.float64)[:, None] * (X - mean).norm(dim=1).max()
    line = mean + t * u
    ax.plot(line[:, 0], line[:, 1], color="k", lw=1.2, zorder=1, label="principal direction")
    ax.scatter(X[:, 0], X[:, 1], s=10, color="tab:red", label="data point", zorder=3)
    ax.scatter(proj[:m, 0], proj[:m, 1], s=10, color="tab:green", zorder=4,
               label="projection (the code)" if m == len(X) else f"projection (first {m} points)")
    ax.set_aspect("equal")
    ax.set(xlabel="$x_1$", ylabel="$x_2$")
    ax.legend(fontsize="small", loc="upper left")
    if title:
        ax.set_title(title)
    return ax.figure


def plot_manifold_codes(
    X: torch.Tensor,
    coords: torch.Tensor,
    codes: dict[str, torch.Tensor],
    *,
    coord_names: tuple[str, str] = ("position along the roll", "height"),
) -> Figure:
    """A manifold in 3-D and its 2-D codes, one row per true coordinate used as the colour.

    Row ``j`` colours every panel by ``coords[:, j]`` (one colour bar per row), so a code
    that keeps a coordinate shows a smooth colour gradient and a code that drops it
    shows the colours mixed.

    Parameters
    ----------
    X : torch.Tensor of shape (n, 3)
        The points in 3-D.
    coords : torch.Tensor of shape (n, 2)
        Their true coordinates on the manifold (see :func:`make_manifold`).
    codes : dict of str to torch.Tensor of shape (n, 2)
        Method name -> 2-D code of each point, one column of panels each.
    coord_names : tuple of two str
        Names of the two coordinates (colour-bar labels).

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    coords = torch.as_tensor(coords).detach().cpu()
    if coords.dim() != 2 or coords.shape != (len(X), 2):
        raise ValueError(f"coords must have shape ({len(X)}, 2), got {tuple(coords.shape)}")
    ncol = 1 + len(codes)
    fig = plt.figure(figsize=(4.3 * ncol + 1.0, 8))
    fig.subplots_adjust(left=0.03, right=0.9, wspace=0.45, hspace=0.3)
    for row, name in enumerate(coord_names):
        color = coords[:, row]
        ax3 = fig.add_subplot(2, ncol, row * ncol + 1, projection="3d")
        plot_manifold_3d(X, color, ax=ax3, title="the points in 3-D")
        ax3.set_box_aspect(None, zoom=0.95)
        row_axes = [ax3]
        for col, (method, z) in enumerate(codes.items()):
            z = torch.as_tensor(z).detach().cpu()
            if z.shape != (len(X), 2):
                raise ValueError(f"codes[{method!r}] must have shape ({len(X)}, 2), got {tuple(z.shape)}")
            ax = fig.add_subplot(2, ncol, row * ncol + col + 2)
            row_axes.append(ax)
            dots = ax.scatter(z[:, 0], z[:, 1], c=color.numpy(), cmap="viridis", s=3)
            ax.set(title=f"{method}'s 2-D code", xlabel=f"{method} code 1",
                   ylabel=f"{method} code 2")
        fig.colorbar(dots, ax=row_axes, label=f"colour: {name}", shrink=0.9)
    return fig
