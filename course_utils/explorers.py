"""Latent-space explorers: sliders over a 2-D code, the decoded digit, and the code's scatter.

Where a person watches the kernel (``COURSE_HEADLESS`` unset or 0) and ipywidgets is installed,
each explorer returns a widget that redraws as a slider moves. In headless runs (``make lecture``,
the tests, nbval) or without ipywidgets it draws a static Figure instead and returns it, so pages
and decks show a picture. Neither calls ``plt.show()``; display a widget with ``display(...)``.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course_utils.config import headless
from course_utils.plotting import _as_images, plot_latent

if TYPE_CHECKING:
    from ipywidgets import Widget

Decode = Callable[[torch.Tensor], torch.Tensor]
DIGIT_ZOOM = 6   # screen pixels per image pixel of the live decoded digit


def _as_codes(codes: torch.Tensor | np.ndarray, name: str) -> np.ndarray:
    z = torch.as_tensor(codes).detach().cpu().double().numpy()
    if z.ndim != 2 or z.shape[1] != 2 or len(z) == 0:
        raise ValueError(f"{name} must have shape (n, 2), one 2-D code per image, got {z.shape}; "
                         "the explorers need a model with a 2-D code.")
    if not np.isfinite(z).all():
        raise ValueError(f"{name} holds NaN or infinite values.")
    return z


def _as_point(z: torch.Tensor | np.ndarray, name: str) -> np.ndarray:
    point = torch.as_tensor(z).detach().cpu().double().numpy()
    if point.size != 2:
        raise ValueError(f"{name} must be one 2-D code, shape (2,), got {point.shape}.")
    return point.reshape(2)


def _as_labels(labels: torch.Tensor | np.ndarray, n: int) -> torch.Tensor:
    y = torch.as_tensor(labels).detach().cpu()
    if y.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), one per code, got {tuple(y.shape)}.")
    return y


def _decode(decode: Decode, z: np.ndarray) -> np.ndarray:
    """Images (m, H, W) in [0, 1] that ``decode`` draws at the codes ``z`` (m, 2)."""
    with torch.no_grad():
        out = decode(torch.as_tensor(z, dtype=torch.float32))
    images = _as_images(out, "decode(z)")
    if len(images) != len(z) or images.shape[1] != 1:
        raise ValueError(f"decode must map codes (m, 2) to m grey images, e.g. (m, 784); "
                         f"for m = {len(z)} it returned shape {tuple(out.shape)}.")
    return images[:, 0].numpy()


def _extent(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper corner of the codes' bounding box, widened by 5% on each side."""
    lo, hi = codes.min(axis=0), codes.max(axis=0)
    if not (hi > lo).all():
        raise ValueError("the codes span no area (all equal along an axis): nothing to explore.")
    pad = 0.05 * (hi - lo)
    return lo - pad, hi + pad


def _png(pixels: np.ndarray) -> bytes:
    """PNG of an RGB(A) array (H, W, 3 or 4) of uint8, or of a grey array (H, W) in [0, 1]."""
    from matplotlib.image import imsave

    if pixels.ndim == 2:   # grey values to exact 8-bit RGB (a colormap's lookup table would shift them)
        pixels = np.repeat(np.round(pixels * 255).astype(np.uint8)[..., None], 3, axis=2)
    buffer = io.BytesIO()
    imsave(buffer, pixels, format="png")
    return buffer.getvalue()


def _digit_png(image: np.ndarray) -> bytes:
    """PNG of a grey image (H, W) in [0, 1], each pixel drawn as a DIGIT_ZOOM square."""
    return _png(np.kron(image, np.ones((DIGIT_ZOOM, DIGIT_ZOOM))))


class _Plane:
    """The codes' scatter drawn once off screen; each frame adds only the moving mark (blitting)."""

    def __init__(self, codes: np.ndarray, labels: torch.Tensor, lo: np.ndarray, hi: np.ndarray,
                 title: str, path: tuple[np.ndarray, np.ndarray] | None = None):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.figure = Figure(figsize=(5.4, 4.4), dpi=80)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        _draw_plane(self.ax, codes, labels, lo, hi, title, path)
        self.figure.subplots_adjust(left=0.13, right=0.8, bottom=0.12, top=0.9)
        (self.mark,) = self.ax.plot([], [], "*", ms=18, color="black", mec="white", animated=True)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)

    def png(self, z: np.ndarray) -> bytes:
        self.canvas.restore_region(self.background)
        self.mark.set_data([z[0]], [z[1]])
        self.ax.draw_artist(self.mark)
        return _png(np.asarray(self.canvas.buffer_rgba()))


def _draw_plane(ax: Axes, codes: np.ndarray, labels: torch.Tensor, lo: np.ndarray, hi: np.ndarray,
                title: str, path: tuple[np.ndarray, np.ndarray] | None) -> None:
    plot_latent(torch.from_numpy(codes), labels, ax=ax, title=title)
    dots = ax.collections[-1]   # solid, aliased dots: a third of the PNG bytes (stored notebooks stay small)
    dots.set(alpha=1.0, antialiased=False, linewidth=0, sizes=[5.0])
    if path is not None:
        (a, b) = path
        ax.plot([a[0], b[0]], [a[1], b[1]], "-", color="black", lw=1.5)
        for point, name in ((a, "$z_a$"), (b, "$z_b$")):
            ax.plot(*point, "o", ms=7, color="black", mec="white")
            ax.annotate(name, point, xytext=(6, 6), textcoords="offset points", fontsize="large",
                        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
    ax.set(xlim=(lo[0], hi[0]), ylim=(lo[1], hi[1]))


def _live(decode: Decode, plane: _Plane, sliders: list, code_of: Callable[[], np.ndarray]) -> Widget:
    """Sliders, a readout of z, the decoded digit and the plane, redrawn whenever a slider moves."""
    import ipywidgets as widgets

    digit = widgets.Image(format="png", layout=widgets.Layout(border="1px solid #999"))
    where = widgets.HTML()
    view = widgets.Image(format="png")

    def redraw(_change: object = None) -> None:
        z = code_of()
        digit.value = _digit_png(_decode(decode, z[None])[0])
        view.value = plane.png(z)
        where.value = f"decoded at <i>z</i> = ({z[0]:.2f}, {z[1]:.2f})"

    _decode(decode, np.stack([code_of()] * 2))   # fail now, not at the first move, on a wrong decoder
    for slider in sliders:
        slider.observe(redraw, names="value")
    redraw()
    return widgets.HBox([widgets.VBox([*sliders, where, digit]), view])


def _ipywidgets_missing() -> bool:
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return True
    return False


def explore_latent(decode: Decode, codes: torch.Tensor, labels: torch.Tensor, *, n_grid: int = 15,
                   title: str = "codes") -> Figure | Widget:
    """Walk a 2-D code with two sliders: the digit decoded at ``z`` beside the codes' scatter.

    Parameters
    ----------
    decode : callable
        Maps codes, a float32 CPU tensor of shape (m, 2), to images of shape (m, 784),
        (m, 28, 28) or (m, 1, 28, 28) with values in [0, 1] (apply the sigmoid to logits);
        it moves the codes to its model's device itself. Called under ``torch.no_grad()``.
    codes : torch.Tensor or numpy.ndarray of shape (n, 2)
        Codes of images (e.g. the training set's); their extent sets the sliders' ranges.
    labels : torch.Tensor or numpy.ndarray of shape (n,)
        Digit labels 0-9 of those images, the scatter's colours.
    n_grid : int, default 15
        Static figure only: decoded codes per axis of the grid over the codes' extent.
    title : str, default "codes"
        Title of the scatter.

    Returns
    -------
    explorer : matplotlib.figure.Figure or ipywidgets.Widget
        Headless or without ipywidgets: a Figure, the ``n_grid`` x ``n_grid`` decoded grid
        (left) beside the scatter (right), on the same axes ``z_1``, ``z_2``. Otherwise a widget:
        sliders for ``z_1`` and ``z_2``, the decoded digit, and the scatter with ``z`` marked.

    Raises
    ------
    ValueError
        If the codes are not of shape (n, 2), the labels not (n,), or ``decode`` returns
        images of another count, shape or range.
    """
    z = _as_codes(codes, "codes")
    y = _as_labels(labels, len(z))
    lo, hi = _extent(z)
    if headless() or _ipywidgets_missing():
        return _latent_figure(decode, z, y, lo, hi, n_grid, title)
    import ipywidgets as widgets

    start = np.median(z, axis=0)
    sliders = [widgets.FloatSlider(value=start[i], min=lo[i], max=hi[i], step=(hi[i] - lo[i]) / 200,
                                   description=f"z{i + 1}", readout_format=".2f") for i in range(2)]
    plane = _Plane(z, y, lo, hi, title)
    return _live(decode, plane, sliders, lambda: np.array([s.value for s in sliders]))


def _latent_figure(decode: Decode, z: np.ndarray, y: torch.Tensor, lo: np.ndarray, hi: np.ndarray,
                   n_grid: int, title: str) -> Figure:
    import matplotlib.pyplot as plt

    if n_grid < 2:
        raise ValueError(f"n_grid must be at least 2, got {n_grid}.")
    # tile centres, z2 decreasing down the rows (image rows run downward)
    step = (hi - lo) / n_grid
    z1 = lo[0] + step[0] * (np.arange(n_grid) + 0.5)
    z2 = hi[1] - step[1] * (np.arange(n_grid) + 0.5)
    grid = np.stack(np.meshgrid(z1, z2, indexing="xy"), axis=-1).reshape(-1, 2)   # (n_grid^2, 2)
    images = _decode(decode, grid)                                                   # (n_grid^2, H, W)
    h, w = images.shape[1:]
    mosaic = images.reshape(n_grid, n_grid, h, w).transpose(0, 2, 1, 3).reshape(n_grid * h, n_grid * w)
    fig, (ax_grid, ax_codes) = plt.subplots(1, 2, figsize=(11, 4.6), width_ratios=[1, 1.25])
    ax_grid.imshow(mosaic, cmap="gray", vmin=0, vmax=1, extent=(lo[0], hi[0], lo[1], hi[1]), aspect="auto",
                   interpolation="nearest")
    ax_grid.set(xlabel="$z_1$", ylabel="$z_2$", title="decoded at each point of the plane")
    _draw_plane(ax_codes, z, y, lo, hi, title, None)
    fig.tight_layout()
    return fig


def explore_interpolation(decode: Decode, z_a: torch.Tensor, z_b: torch.Tensor, codes: torch.Tensor,
                          labels: torch.Tensor, *, n_steps: int = 11,
                          title: str = "codes") -> Figure | Widget:
    """Slide along the straight line from ``z_a`` to ``z_b``: the digit decoded at
    ``(1 - t) z_a + t z_b`` and the path on the codes' scatter.

    Parameters
    ----------
    decode : callable
        As for :func:`explore_latent`: codes (m, 2) -> images (m, 784) in [0, 1].
    z_a, z_b : torch.Tensor or numpy.ndarray of shape (2,)
        The two end codes (e.g. the codes of two test digits of different classes).
    codes : torch.Tensor or numpy.ndarray of shape (n, 2)
        Codes drawn in the scatter.
    labels : torch.Tensor or numpy.ndarray of shape (n,)
        Their digit labels 0-9.
    n_steps : int, default 11
        Static figure only: images in the strip, at evenly spaced ``t`` from 0 to 1.
    title : str, default "codes"
        Title of the scatter.

    Returns
    -------
    explorer : matplotlib.figure.Figure or ipywidgets.Widget
        Headless or without ipywidgets: a Figure, the strip of decoded images (top) above the
        scatter with the path and its steps (bottom). Otherwise a widget: a slider for ``t`` in
        [0, 1], the decoded digit, and the scatter with the path and the point at ``t``.

    Raises
    ------
    ValueError
        If ``z_a`` or ``z_b`` is not one 2-D code, the codes not (n, 2), the labels not (n,),
        or ``decode`` returns images of another count, shape or range.
    """
    a, b = _as_point(z_a, "z_a"), _as_point(z_b, "z_b")
    z = _as_codes(codes, "codes")
    y = _as_labels(labels, len(z))
    lo, hi = _extent(np.concatenate([z, a[None], b[None]]))
    if headless() or _ipywidgets_missing():
        return _interpolation_figure(decode, a, b, z, y, lo, hi, n_steps, title)
    import ipywidgets as widgets

    slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.01, description="t")
    plane = _Plane(z, y, lo, hi, title, path=(a, b))
    return _live(decode, plane, [slider], lambda: (1 - slider.value) * a + slider.value * b)


def _interpolation_figure(decode: Decode, a: np.ndarray, b: np.ndarray, z: np.ndarray, y: torch.Tensor,
                          lo: np.ndarray, hi: np.ndarray, n_steps: int, title: str) -> Figure:
    import matplotlib.pyplot as plt

    if n_steps < 2:
        raise ValueError(f"n_steps must be at least 2, got {n_steps}.")
    t = np.linspace(0.0, 1.0, n_steps)
    path = (1 - t)[:, None] * a + t[:, None] * b                    # (n_steps, 2)
    images = _decode(decode, path)                                  # (n_steps, H, W)
    tiles = np.pad(images, ((0, 0), (0, 0), (1, 1)), constant_values=1.0)   # a white gap between images
    h, w = tiles.shape[1:]
    fig, (ax_strip, ax_codes) = plt.subplots(2, 1, figsize=(8.5, 6.6), height_ratios=[1, 3])
    ax_strip.imshow(tiles.transpose(1, 0, 2).reshape(h, n_steps * w), cmap="gray", vmin=0, vmax=1,
                    interpolation="nearest")
    ax_strip.set_xticks(w * (np.arange(n_steps) + 0.5) - 0.5, [f"{v:.1f}" for v in t])
    ax_strip.set_yticks([])
    ax_strip.set(xlabel="$t$", title="decoded at $(1 - t)\\, z_a + t\\, z_b$")
    _draw_plane(ax_codes, z, y, lo, hi, title, (a, b))
    ax_codes.plot(path[:, 0], path[:, 1], ".", color="black", ms=6)
    fig.tight_layout()
    return fig
