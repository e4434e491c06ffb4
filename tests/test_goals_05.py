"""Goals of issue 22 for notebook 05: what the plain overcomplete model does with noise (neither a copy nor a
denoiser), and the invariance of the code that the denoising (Vincent et al. 2008, 2010) and contractive
(Rifai et al. 2011) autoencoders buy: how far noise moves the code, and what a linear probe fitted on clean
codes still reads from noisy ones. The goals are the notebook's own (its check cell in "Invariance").

The controls of the cold review: a weight-decay model (the plain loss plus an L2 penalty on the encoder weights,
sized so that its encoder norm matches the contractive model's) and a bottleneck, the 32-component PCA
projection. At a matched encoder norm the weight decay moves the code about as little under noise as the
contractive penalty; the denoiser beats the PCA projection.

The probe itself is checked against scikit-learn's ridge regression, without training and without the
notebook's recorded numbers.
"""

import numpy as np
import pytest
import torch
from helpers import notebook_definitions
from sklearn.linear_model import Ridge
from torch.nn import functional as F

NB05 = "05_regularized_autoencoders"


@pytest.fixture(scope="module")
def nb05(notebook_numbers):
    return notebook_numbers(NB05)


def test_plain_model_passes_part_of_the_noise(nb05):
    assert nb05["plain_noise_copied"] > 0.1
    assert nb05["pixels_noise_copied"] == pytest.approx(1.0, abs=1e-6), "the identity copies all of its noise"


def test_plain_model_is_not_a_copy(nb05):
    assert nb05["plain_noise_0.6"] / nb05["identity_noise_0.6"] < 0.8


def test_denoising_copies_far_less_noise_than_plain(nb05):
    assert nb05["denoising_noise_copied"] / nb05["plain_noise_copied"] < 0.3


@pytest.mark.parametrize(("name", "goal"), [("denoising", 0.5), ("contractive", 0.6)])
def test_noise_moves_the_regularised_codes_less(nb05, name, goal):
    assert nb05[f"{name}_code_shift_0.4"] / nb05["plain_code_shift_0.4"] < goal


@pytest.mark.parametrize(("name", "goal"), [("denoising", 0.3), ("contractive", 0.2)])
def test_probe_reads_the_digit_from_noisy_regularised_codes(nb05, name, goal):
    assert nb05[f"{name}_probe_noise_0.4"] - nb05["plain_probe_noise_0.4"] > goal


def test_denoising_code_keeps_its_probe_accuracy_under_noise(nb05):
    assert nb05["denoising_probe_clean"] - nb05["denoising_probe_noise_0.4"] < 0.1


def test_weight_decay_control_matches_the_contractive_encoder_norm(nb05):
    assert abs(nb05["weight_decay_W_F"] / nb05["contractive_W_F"] - 1) < 0.2


def test_weight_decay_control_moves_the_code_less_than_plain(nb05):
    assert nb05["weight_decay_code_shift_0.4"] / nb05["plain_code_shift_0.4"] < 0.6
    assert nb05["weight_decay_probe_noise_0.4"] - nb05["plain_probe_noise_0.4"] > 0.2


def test_contractive_gains_little_over_matched_weight_decay(nb05):
    assert nb05["contractive_code_shift_0.4"] / nb05["weight_decay_code_shift_0.4"] > 0.8
    assert nb05["contractive_probe_noise_0.4"] - nb05["weight_decay_probe_noise_0.4"] < 0.05


def test_denoising_beats_the_pca_projection(nb05):
    assert nb05["denoising_noise_0.4"] / nb05["pca_noise_0.4"] < 0.9
    assert nb05["denoising_probe_noise_0.4"] - nb05["pca_probe_noise_0.4"] > 0.03


def test_probe_is_ridge_regression_onto_one_hot_labels():
    """The notebook's probe against sklearn's Ridge (centred features, unpenalised intercept), on random data."""
    gen = torch.Generator().manual_seed(0)
    centres = torch.randn(10, 20, generator=gen, dtype=torch.float64)
    y_train, y_test = torch.randint(0, 10, (500,), generator=gen), torch.randint(0, 10, (300,), generator=gen)
    z_train = centres[y_train] + 2 * torch.randn(500, 20, generator=gen, dtype=torch.float64)
    z_test = centres[y_test] + 2 * torch.randn(300, 20, generator=gen, dtype=torch.float64)
    ns = notebook_definitions(NB05, "probe", torch=torch, F=F, y_train=y_train, y_test=y_test)
    ridge = 0.05
    reference = Ridge(alpha=ridge * len(z_train)).fit(z_train.numpy(), F.one_hot(y_train, 10).double().numpy())
    expected = float((reference.predict(z_test.numpy()).argmax(axis=1) == y_test.numpy()).mean())
    (accuracy,) = ns["probe"](z_train, [z_test], ridge=ridge)
    assert 0.3 < expected < 0.99, "the random problem should be neither trivial nor hopeless"
    assert accuracy == pytest.approx(expected, abs=1e-6)          # the same predictions (accuracy in float32)
    assert np.isfinite(accuracy)
