"""Architecture diagrams drawn from a model's own layer sizes, so a diagram cannot drift from the code.

``layer_widths(model)`` reads the widths of a chain of ``nn.Linear`` layers;
``plot_architecture(widths)`` draws them as boxes (height grows with the width), the code
layer marked; with ``variational=True`` the code is drawn as the VAE's two heads mu and
log sigma^2, the noise epsilon ~ N(0, I) and the sample z = mu + sigma * epsilon.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Polygon
from torch import nn

from course_utils.plotting import axes_or_new

ENCODER, CODE, DECODER, NOISE = "#4c72b0", "#dd8452", "#55a868", "#8172b3"


def layer_widths(model: nn.Module) -> list[int]:
    """Widths of the chain of ``nn.Linear`` layers in ``model``, in the order they were defined.

    Parameters
    ----------
    model : torch.nn.Module
        A module whose ``nn.Linear`` layers form one chain (e.g. an encoder, or an
        ``nn.Sequential`` of encoder and decoder).

    Returns
    -------
    widths : list of int
        The first layer's input width, then every layer's output width.

    Raises
    ------
    ValueError
        If ``model`` has no ``nn.Linear`` layer, or one layer's input does not match the
        previous layer's output (not a chain).
    """
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    if not linears:
        raise ValueError(f"{type(model).__name__} has no nn.Linear layer to read widths from")
    widths = [linears[0].in_features]
    for layer in linears:
        if layer.in_features != widths[-1]:
            raise ValueError(f"the nn.Linear layers are not one chain: a layer takes {layer.in_features} "
                             f"inputs after one that gives {widths[-1]}; pass encoder and decoder separately")
        widths.append(layer.out_features)
    return widths


def _box(ax: Axes, x: float, y: float, h: float, color: str, label: str, *, width: float = 0.36) -> None:
    ax.add_patch(FancyBboxPatch((x - width / 2, y - h / 2), width, h, boxstyle="round,pad=0.02",
                                facecolor=color, edgecolor="black", linewidth=0.8, alpha=0.85))
    ax.text(x, y - h / 2 - 0.12, label, ha="center", va="top", fontsize="small")


def _link(ax: Axes, x0: float, h0: float, x1: float, h1: float, y0: float = 0.0, y1: float = 0.0) -> None:
    ax.add_patch(Polygon([(x0 + 0.18, y0 - h0 / 2), (x0 + 0.18, y0 + h0 / 2),
                          (x1 - 0.18, y1 + h1 / 2), (x1 - 0.18, y1 - h1 / 2)],
                         closed=True, facecolor="lightgrey", edgecolor="none", alpha=0.6))


def plot_architecture(
    widths: Sequence[int],
    *,
    code_index: int | None = None,
    variational: bool = False,
    ax: Axes | None = None,
    title: str | None = None,
) -> Figure:
    """Draw an autoencoder as a row of layers, encoder -> code -> decoder.

    Parameters
    ----------
    widths : sequence of int
        Layer widths from input to output, e.g. ``[784, 256, 128, 2, 128, 256, 784]``
        (see :func:`layer_widths`); at least 3, all >= 1.
    code_index : int, optional
        Position of the code layer in ``widths``; default the narrowest layer.
    variational : bool, default False
        Draw the code as a VAE's: two heads mu and log sigma^2 (each of the code's
        width), the noise epsilon ~ N(0, I), and z = mu + sigma * epsilon feeding the decoder.
    ax : matplotlib.axes.Axes, optional
        Where to draw; default a new figure.
    title : str, optional

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    widths = [int(w) for w in widths]
    if len(widths) < 3 or min(widths) < 1:
        raise ValueError(f"widths must list at least 3 layer sizes >= 1 (input, code, output), got {widths}")
    code = widths.index(min(widths)) if code_index is None else code_index
    if not 0 < code < len(widths) - 1:
        raise ValueError(f"code_index must point inside the network (1 .. {len(widths) - 2}), "
                         f"got {code_index}")
    ax = axes_or_new(ax, (1.1 * len(widths) + (2.2 if variational else 0.6), 3.4))
    heights = [0.35 + 0.5 * math.log2(w) / math.log2(max(widths)) * 2 for w in widths]
    xs, x = [], 0.0
    for i in range(len(widths)):
        xs.append(x)
        x += 2.2 if (variational and i == code) else 1.0
    for i, (x, h, w) in enumerate(zip(xs, heights, widths, strict=True)):
        role = "encoder" if i < code else "decoder" if i > code else "code"
        if variational and i == code:
            for dy, name in ((0.55, "\u03bc"), (-0.55, "log \u03c3\u00b2")):
                _link(ax, xs[i - 1], heights[i - 1], x, h / 2, 0.0, dy)
                _box(ax, x, dy, h / 2, CODE, f"{name}  ({w})")
            _box(ax, x + 1.1, 0.0, h, CODE, f"z  ({w})")
            for dy in (0.55, -0.55):
                ax.annotate("", xy=(x + 0.9, dy / 4), xytext=(x + 0.2, dy),
                            arrowprops={"arrowstyle": "->", "color": "black"})
            ax.text(x + 0.45, -1.45, "\u03b5 ~ N(0, I)", ha="center", fontsize="small", color=NOISE)
            ax.annotate("", xy=(x + 0.9, -h / 2 + 0.05), xytext=(x + 0.55, -1.25),
                        arrowprops={"arrowstyle": "->", "color": NOISE})
            ax.text(x + 1.1, 1.25, "z = \u03bc + \u03c3 \u00b7 \u03b5", ha="center", fontsize="small")
            xs[i] = x + 1.1  # the decoder starts from z
            continue
        if i > 0:
            _link(ax, xs[i - 1], heights[i - 1], x, h)
        color = {"encoder": ENCODER, "code": CODE, "decoder": DECODER}[role]
        _box(ax, x, 0.0, h, color, str(w))
    ax.text(xs[code] - (1.1 if variational else 0), max(heights) / 2 + 0.35,
            "code" if not variational else "", ha="center", fontsize="small", color=CODE)
    ax.text((xs[0] + xs[code]) / 2, -max(heights) / 2 - 0.75, "encoder", ha="center", color=ENCODER)
    ax.text((xs[code] + xs[-1]) / 2, -max(heights) / 2 - 0.75, "decoder", ha="center", color=DECODER)
    ax.set_xlim(xs[0] - 0.6, xs[-1] + 0.6)
    ax.set_ylim(-max(heights) / 2 - 1.1, max(heights) / 2 + 0.8)
    ax.set_aspect("equal")
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax.figure
