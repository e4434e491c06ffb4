"""Plot helpers return Figures with the expected axes and reject bad input clearly."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import course_utils as cu  # noqa: E402

IMAGES = torch.rand(12, 1, 28, 28, generator=torch.Generator().manual_seed(0))


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_images_returns_figure_and_keeps_input():
    before = IMAGES.clone()
    fig = cu.plot_images(IMAGES, nrow=6, title="t")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert fig.axes[0].get_title() == "t"
    assert torch.equal(IMAGES, before)


def test_plot_images_accepts_flat_and_requires_grad():
    x = IMAGES.reshape(12, 784).clone().requires_grad_(True)
    assert isinstance(cu.plot_images(x), Figure)


def test_plot_on_given_axes():
    fig, axes = plt.subplots(1, 2)
    out = cu.plot_images(IMAGES, ax=axes[1])
    assert out is fig and axes[1].images


def test_plot_reconstructions_rows():
    fig = cu.plot_reconstructions(IMAGES, {"A": IMAGES, "B": 1 - IMAGES}, n=5)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["original", "A", "B"]


def test_plot_latent_legend_and_history():
    z = torch.randn(50, 2)
    fig = cu.plot_latent(z, torch.arange(50) % 10, title="codes")
    assert fig.axes[0].get_legend() is not None
    hist = cu.History(train={"loss": [3.0, 2.0], "kl": [1.0, 0.5]}, test={"loss": [3.5, 2.5]})
    fig = cu.plot_history(hist, split="both", hlines={"PCA": 1.0})
    assert len(fig.axes[0].get_lines()) == 4  # 3 curves + 1 reference line
    fig = cu.plot_history({"a": [1, 2]}, logy=True)
    assert fig.axes[0].get_yscale() == "log"


def test_plot_manifold_codes_one_row_per_coordinate():
    X, coords = cu.make_manifold("swiss_roll", 60, seed=0)
    fig = cu.plot_manifold_codes(X, coords, {"PCA": X[:, :2], "other": X[:, 1:]})
    assert len([ax for ax in fig.axes if ax.get_label() != "<colorbar>"]) == 2 * 3
    assert all(ax.get_xlabel() for ax in fig.axes if ax.name != "3d" and ax.get_label() != "<colorbar>")
    with pytest.raises(ValueError, match="shape"):
        cu.plot_manifold_codes(X, coords, {"bad": X})
    plt.close("all")


def test_plot_manifold_and_projection():
    X, coords = cu.make_manifold("s_curve", 100)
    fig = cu.plot_manifold_3d(X, coords[:, 0])
    assert fig.axes[0].name == "3d"
    cloud = cu.make_gaussian_cloud(30)
    fig = cu.plot_projection_2d(cloud, cloud.mean(0), torch.tensor([1.0, 0.5]), n_errors=5)
    assert len(fig.axes[0].get_lines()) == 6  # 5 error segments + the line


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: cu.plot_images(torch.rand(4, 28 * 27)), ValueError, "must have shape"),
        (lambda: cu.plot_images(IMAGES * 2), ValueError, r"values in \[0, 1\]"),
        (lambda: cu.plot_images(IMAGES.tolist()), TypeError, "must be a torch.Tensor"),
        (lambda: cu.plot_reconstructions(IMAGES, {"A": IMAGES[:3]}, n=5), ValueError, "expected the shape"),
        (lambda: cu.plot_latent(torch.randn(10)), ValueError, r"shape \(n, 2\)"),
        (lambda: cu.plot_latent(torch.randn(10, 2), torch.arange(9)), ValueError, "labels must have shape"),
        (lambda: cu.plot_history({"a": [1]}, terms=["b"]), KeyError, "no term"),
        (lambda: cu.plot_history([1, 2]), TypeError, "History or a dict"),
        (lambda: cu.plot_manifold_3d(torch.randn(5, 2)), ValueError, r"shape \(n, 3\)"),
        (lambda: cu.plot_manifold_3d(torch.randn(5, 3), ax=plt.gca()), ValueError, "3-D axes"),
        (lambda: cu.plot_projection_2d(torch.randn(5, 3), torch.zeros(2), torch.ones(2)), ValueError, "must be"),
    ],
)
def test_bad_input_gives_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_architecture_diagram_reads_the_model_and_marks_the_code():
    from torch import nn

    model = nn.Sequential(nn.Linear(784, 64), nn.ReLU(), nn.Linear(64, 2), nn.Linear(2, 64), nn.Linear(64, 784))
    widths = cu.layer_widths(model)
    assert widths == [784, 64, 2, 64, 784]
    fig = cu.plot_architecture(widths, title="AE")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert texts.count("784") == 2 and "2" in texts and "code" in texts
    fig = cu.plot_architecture(widths, variational=True)
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    assert "\u03bc  (2)" in texts and "log \u03c3\u00b2  (2)" in texts and "z  (2)" in texts and "N(0, I)" in texts
    plt.close("all")


def test_architecture_diagram_bad_input():
    from torch import nn

    with pytest.raises(ValueError, match="at least 3"):
        cu.plot_architecture([784, 784])
    with pytest.raises(ValueError, match="code_index"):
        cu.plot_architecture([784, 2, 784], code_index=0)
    with pytest.raises(ValueError, match="no nn.Linear"):
        cu.layer_widths(nn.ReLU())
    with pytest.raises(ValueError, match="not one chain"):
        cu.layer_widths(nn.ModuleList([nn.Linear(4, 2), nn.Linear(4, 2)]))
