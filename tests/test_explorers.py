"""The latent-space explorers: a static Figure when headless, a live widget otherwise, clear errors.

A tiny random decoder stands in for a trained one (no training); every check compares what is
drawn with what that decoder gives at the code the figure or the slider names.
"""

import io
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.image import imread  # noqa: E402

import course_utils as cu  # noqa: E402
from course_utils.explorers import DIGIT_ZOOM  # noqa: E402

GEN = torch.Generator().manual_seed(0)
NET = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 784))
CODES = torch.randn(300, 2, generator=GEN) * torch.tensor([2.0, 1.0]) + torch.tensor([1.0, -3.0])
LABELS = torch.randint(0, 10, (300,), generator=GEN)


def decode(z: torch.Tensor) -> torch.Tensor:
    return torch.sigmoid(4 * NET(z))   # (m, 2) -> (m, 784) in (0, 1), different at every code


def decoded(z) -> np.ndarray:
    with torch.no_grad():
        return decode(torch.as_tensor(np.asarray(z, dtype=np.float32)).reshape(-1, 2)).numpy().reshape(-1, 28, 28)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def watched(monkeypatch):
    monkeypatch.setenv("COURSE_HEADLESS", "0")


def parts(box):
    """Sliders, the decoded digit's Image and the scatter's Image of an explorer widget."""
    import ipywidgets as widgets

    controls, plane = box.children
    sliders = [w for w in controls.children if isinstance(w, widgets.FloatSlider)]
    (digit,) = [w for w in controls.children if isinstance(w, widgets.Image)]
    assert isinstance(plane, widgets.Image)
    return sliders, digit, plane


def shown_digit(image_widget) -> np.ndarray:
    """The 28x28 grey image a digit Image widget shows, read back from its PNG."""
    pixels = imread(io.BytesIO(image_widget.value), format="png")     # (H, W, 4) in [0, 1]
    assert pixels.shape[:2] == (28 * DIGIT_ZOOM, 28 * DIGIT_ZOOM)
    return pixels[::DIGIT_ZOOM, ::DIGIT_ZOOM, 0]


def test_headless_latent_figure_decodes_the_plane_beside_the_scatter():
    fig = cu.explore_latent(decode, CODES, LABELS, n_grid=6, title="t")
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    grid_ax, codes_ax = fig.axes
    (image,) = grid_ax.images
    x0, x1, y0, y1 = image.get_extent()
    assert x0 < CODES[:, 0].min() and x1 > CODES[:, 0].max()
    assert y0 < CODES[:, 1].min() and y1 > CODES[:, 1].max()
    assert (grid_ax.get_xlabel(), grid_ax.get_ylabel()) == ("$z_1$", "$z_2$")
    mosaic = image.get_array()
    assert mosaic.shape == (6 * 28, 6 * 28)
    step_x, step_y = (x1 - x0) / 6, (y1 - y0) / 6
    # top left tile: the smallest z1, the largest z2; bottom right: the reverse
    np.testing.assert_allclose(mosaic[:28, :28], decoded([x0 + step_x / 2, y1 - step_y / 2])[0], atol=1e-6)
    np.testing.assert_allclose(mosaic[-28:, -28:], decoded([x1 - step_x / 2, y0 + step_y / 2])[0], atol=1e-6)
    (dots,) = codes_ax.collections
    assert len(dots.get_offsets()) == len(CODES)
    assert codes_ax.get_legend() is not None and codes_ax.get_title() == "t"
    assert codes_ax.get_xlim() == (x0, x1) and codes_ax.get_ylim() == (y0, y1)


def test_headless_interpolation_figure_runs_from_a_to_b():
    z_a, z_b = CODES[0], CODES[1]
    fig = cu.explore_interpolation(decode, z_a, z_b, CODES, LABELS, n_steps=5)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    strip_ax, codes_ax = fig.axes
    strip = strip_ax.images[0].get_array()
    assert strip.shape == (28, 5 * 30)                 # five images, each with a 1-pixel gap either side
    np.testing.assert_allclose(strip[:, 1:29], decoded(z_a)[0], atol=1e-6)
    np.testing.assert_allclose(strip[:, -29:-1], decoded(z_b)[0], atol=1e-6)
    np.testing.assert_allclose(strip[:, 61:89], decoded((z_a + z_b) / 2)[0], atol=1e-6)
    path = [line for line in codes_ax.lines if len(line.get_xdata()) == 2]
    assert path and np.allclose(path[0].get_xydata(), torch.stack([z_a, z_b]).numpy())


def test_live_latent_explorer_redraws_when_a_slider_moves(watched):
    import ipywidgets as widgets

    box = cu.explore_latent(decode, CODES, LABELS)
    assert isinstance(box, widgets.Widget)
    (z1, z2), digit, plane = parts(box)
    assert z1.min < CODES[:, 0].min() and z1.max > CODES[:, 0].max()
    assert z2.min < CODES[:, 1].min() and z2.max > CODES[:, 1].max()
    np.testing.assert_allclose(shown_digit(digit), decoded([z1.value, z2.value])[0], atol=0.51 / 255)
    before_digit, before_plane = digit.value, plane.value
    z1.value, z2.value = z1.min + 0.1 * (z1.max - z1.min), z2.max - 0.2 * (z2.max - z2.min)
    assert digit.value != before_digit and plane.value != before_plane
    np.testing.assert_allclose(shown_digit(digit), decoded([z1.value, z2.value])[0], atol=0.51 / 255)
    assert not plt.get_fignums(), "the live explorer must not leave pyplot figures for plt.show()"


def test_live_interpolation_follows_t(watched):
    z_a, z_b = CODES[5], CODES[7]
    box = cu.explore_interpolation(decode, z_a, z_b, CODES, LABELS)
    (t,), digit, plane = parts(box)
    assert (t.min, t.max, t.value) == (0.0, 1.0, 0.0)
    np.testing.assert_allclose(shown_digit(digit), decoded(z_a)[0], atol=0.51 / 255)
    for value in (0.25, 1.0):
        before = plane.value
        t.value = value
        np.testing.assert_allclose(shown_digit(digit), decoded((1 - value) * z_a + value * z_b)[0], atol=0.51 / 255)
        assert plane.value != before


def test_without_ipywidgets_a_watched_kernel_gets_the_figure(watched, monkeypatch):
    monkeypatch.setitem(sys.modules, "ipywidgets", None)     # import ipywidgets now raises ImportError
    assert isinstance(cu.explore_latent(decode, CODES, LABELS), Figure)
    assert isinstance(cu.explore_interpolation(decode, CODES[0], CODES[1], CODES, LABELS), Figure)


@pytest.mark.parametrize("headless", ["1", "0"])
@pytest.mark.parametrize(("codes", "labels", "message"), [
    (torch.randn(10, 3), torch.zeros(10), r"shape \(n, 2\)"),
    (torch.randn(10), torch.zeros(10), r"shape \(n, 2\)"),
    (torch.randn(10, 2), torch.zeros(9), r"labels must have shape \(10,\)"),
    (torch.ones(10, 2), torch.zeros(10), "span no area"),
    (torch.full((10, 2), float("nan")), torch.zeros(10), "NaN"),
])
def test_bad_codes_are_refused(monkeypatch, headless, codes, labels, message):
    monkeypatch.setenv("COURSE_HEADLESS", headless)
    with pytest.raises(ValueError, match=message):
        cu.explore_latent(decode, codes, labels)
    with pytest.raises(ValueError, match=message):
        cu.explore_interpolation(decode, torch.ones(2), torch.ones(2), codes, labels)


@pytest.mark.parametrize("headless", ["1", "0"])
def test_bad_end_codes_and_decoders_are_refused(monkeypatch, headless):
    monkeypatch.setenv("COURSE_HEADLESS", headless)
    with pytest.raises(ValueError, match="z_b must be one 2-D code"):
        cu.explore_interpolation(decode, CODES[0], torch.zeros(3), CODES, LABELS)
    with pytest.raises(ValueError, match="in \\[0, 1\\]"):
        cu.explore_latent(lambda z: 4 * NET(z), CODES, LABELS)                 # logits, no sigmoid
    with pytest.raises(ValueError, match="returned shape"):
        cu.explore_latent(lambda z: decode(z)[:1], CODES, LABELS)              # one image for m codes
