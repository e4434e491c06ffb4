"""Helpers for the lecture companion *Autoencoders and Deep Representation Learning*.

The ideas (models, losses, maths) live in the notebooks; this package holds the
plumbing they share. Importing it has no side effects.

Modules
-------
config    run mode (``COURSE_FULL``) and data folder
data      offline MNIST subset, opt-in full MNIST
training  the epoch loop ``fit`` and ``evaluate``
metrics   PCA baseline, MSE, kNN accuracy, unrolling R^2, subspace angles, sparsity
digits    a small digit classifier used as a digit-likeness meter
plotting  image grids, reconstructions, latent scatter, loss curves (each returns a Figure)
geometry  toy data (2-D cloud, swiss roll, S-curve) and their plots
seeding   ``seed_everything`` and ``get_device``
results   ``Results`` recorder for ``build/results.json`` and ``fmt``
"""

from course_utils.config import by_mode, data_dir, full_mode
from course_utils.data import DataUnavailableError, load_dataset, load_mnist
from course_utils.digits import digit_likeness, train_digit_classifier
from course_utils.geometry import (
    make_gaussian_cloud,
    make_manifold,
    plot_manifold_3d,
    plot_projection_2d,
)
from course_utils.metrics import (
    PCA,
    fit_pca,
    hoyer_sparsity,
    knn_accuracy,
    mse,
    subspace_angles_deg,
    unrolling_r2,
)
from course_utils.plotting import (
    plot_history,
    plot_images,
    plot_latent,
    plot_reconstructions,
)
from course_utils.results import Results, fmt
from course_utils.seeding import get_device, seed_everything
from course_utils.training import History, evaluate, fit, make_optimizer

__all__ = [
    "PCA",
    "DataUnavailableError",
    "History",
    "Results",
    "by_mode",
    "data_dir",
    "digit_likeness",
    "evaluate",
    "fit",
    "fit_pca",
    "fmt",
    "full_mode",
    "get_device",
    "hoyer_sparsity",
    "knn_accuracy",
    "load_dataset",
    "load_mnist",
    "make_gaussian_cloud",
    "make_manifold",
    "make_optimizer",
    "mse",
    "plot_history",
    "plot_images",
    "plot_latent",
    "plot_manifold_3d",
    "plot_projection_2d",
    "plot_reconstructions",
    "seed_everything",
    "subspace_angles_deg",
    "train_digit_classifier",
    "unrolling_r2",
]
