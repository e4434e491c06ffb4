"""Helpers for the lecture companion *Autoencoders and Deep Representation Learning*.

The ideas (models, losses, maths) live in the notebooks; this package holds the
plumbing they share. Importing it has no side effects.

Modules
-------
config    run mode (``COURSE_FULL``) and the other ``COURSE_*`` settings
data      offline MNIST subset, opt-in full MNIST, the ``random_shift`` augmentation
training  the epoch loop ``fit``, ``evaluate``, ``epochs_for_steps``
pca       the PCA baseline
metrics   MSE, kNN accuracy, unrolling R^2, subspace angles, sparsity
digits    a digit classifier used as a digit-likeness meter
plotting  image grids, reconstructions, latent scatter, loss curves (each returns a Figure)
diagrams  architecture diagrams drawn from a model's layer widths
geometry  toy data (2-D cloud, swiss roll, S-curve) and their plots
seeding   ``seed_everything``
device    ``get_device`` and ``set_threads``
checks    ``check`` (a verdict line per claim) and ``fmt`` (stable printed numbers)
results   ``Results``, the recorder for ``build/results.json``
tables    ``Table``, a table of numbers (HTML in notebooks and decks, aligned text elsewhere)
explorers sliders over a 2-D code: the decoded digit and the scatter (static figures when headless)
"""

from course_utils.checks import check, fmt
from course_utils.config import by_mode, data_dir, full_mode, headless
from course_utils.data import DataUnavailableError, load_dataset, load_mnist, random_shift
from course_utils.device import get_device, set_threads
from course_utils.diagrams import layer_widths, plot_architecture
from course_utils.digits import digit_likeness, train_digit_classifier
from course_utils.explorers import explore_interpolation, explore_latent
from course_utils.geometry import (
    make_gaussian_cloud,
    make_manifold,
    plot_manifold_3d,
    plot_manifold_codes,
    plot_projection_2d,
)
from course_utils.metrics import (
    hoyer_sparsity,
    knn_accuracy,
    mse,
    subspace_angles_deg,
    unrolling_r2,
)
from course_utils.pca import PCA, fit_pca
from course_utils.plotting import (
    plot_history,
    plot_images,
    plot_latent,
    plot_reconstructions,
)
from course_utils.results import Results
from course_utils.seeding import seed_everything
from course_utils.tables import Table
from course_utils.training import History, epochs_for_steps, evaluate, fit, make_optimizer

__all__ = [
    "PCA",
    "DataUnavailableError",
    "History",
    "Results",
    "Table",
    "by_mode",
    "check",
    "data_dir",
    "digit_likeness",
    "epochs_for_steps",
    "explore_interpolation",
    "explore_latent",
    "evaluate",
    "fit",
    "fit_pca",
    "fmt",
    "full_mode",
    "get_device",
    "headless",
    "hoyer_sparsity",
    "knn_accuracy",
    "layer_widths",
    "load_dataset",
    "load_mnist",
    "make_gaussian_cloud",
    "make_manifold",
    "make_optimizer",
    "mse",
    "plot_architecture",
    "plot_history",
    "plot_images",
    "plot_latent",
    "plot_manifold_3d",
    "plot_manifold_codes",
    "plot_projection_2d",
    "plot_reconstructions",
    "random_shift",
    "seed_everything",
    "set_threads",
    "subspace_angles_deg",
    "train_digit_classifier",
    "unrolling_r2",
]
