"""Goals of notebooks 06 (KL divergence, variational inference) and 07 (VAE), from the numbers they record."""

import math

import pytest

NB06 = "06_kl_divergence_and_variational_inference"
NB07 = "07_variational_autoencoder"


# ---- 06 ------------------------------------------------------------------------------------------

def test_entropy_fair_die_is_log6_and_largest(notebook_numbers):
    nums = notebook_numbers(NB06)
    assert nums["entropy_fair"] == pytest.approx(math.log(6), abs=1e-4)
    assert nums["entropy_loaded"] < nums["entropy_fair"]
    assert nums["coin_argmax_bias"] == pytest.approx(0.5)


def test_kl_nonnegative_zero_for_equal_and_asymmetric(notebook_numbers):
    nums = notebook_numbers(NB06)
    assert nums["kl_random_min"] > 0
    assert nums["kl_fair_fair"] == 0
    assert abs(nums["kl_fair_loaded"] - nums["kl_loaded_fair"]) > 0.05


def test_forward_kl_covers_and_reverse_kl_seeks(notebook_numbers):
    nums = notebook_numbers(NB06)
    # forward: moment matching of the mixture 0.5 N(-2.5, 0.6^2) + 0.5 N(2.5, 0.6^2)
    assert nums["forward_fit_m"] == pytest.approx(0.0, abs=0.01)
    assert nums["forward_fit_s"] == pytest.approx(math.sqrt(2.5**2 + 0.6**2), abs=0.01)
    # reverse: one mode
    assert abs(nums["reverse_fit_m"]) == pytest.approx(2.5, abs=0.05)
    assert nums["reverse_fit_s"] == pytest.approx(0.6, abs=0.05)
    # each fit wins on its own criterion
    assert nums["forward_fit_kl_pq"] < nums["reverse_fit_kl_pq"]
    assert nums["reverse_fit_kl_qp"] < nums["forward_fit_kl_qp"]


def test_gaussian_kl_monte_carlo_within_3_standard_errors(notebook_numbers):
    nums = notebook_numbers(NB06)
    assert nums["gauss_kl_closed"] == pytest.approx(math.log(2) + 2 / 8 - 0.5, abs=1e-4)
    assert abs(nums["gauss_kl_z"]) < 3


def test_elbo_identity_and_vi_reaches_posterior(notebook_numbers):
    nums = notebook_numbers(NB06)
    assert nums["elbo_identity_ok"] is True
    # z ~ N(0, 1), x | z ~ N(z, 0.5^2), x = 1.5: posterior N(1.2, 0.2)
    assert nums["vi_m"] == pytest.approx(1.2, abs=1e-3)
    assert nums["vi_v"] == pytest.approx(0.2, abs=1e-3)
    assert 0 <= nums["vi_final_gap"] < 1e-4


# ---- 07 ------------------------------------------------------------------------------------------

def test_reparameterised_gradient_has_far_smaller_variance(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["grad_var_reparam"] == pytest.approx(4.0, rel=0.05)   # var(2 z_1), z_1 ~ N(1, 1)
    assert nums["grad_var_ratio"] > 10


def test_vae_test_negative_elbo_goal(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["test_nelbo_20d"] <= 110.0
    assert nums["test_nelbo_20d"] < nums["test_nelbo_2d"]


def test_active_units(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["active_units_2d"] == 2
    assert 1 <= nums["active_units_20d"] <= 20
    assert nums["beta4_active"] <= nums["beta1_active"] <= nums["beta0.5_active"]


def test_vae_samples_more_digit_like_than_autoencoder(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["likeness_vae"] > nums["likeness_ae"]


def test_beta_trades_rate_for_distortion(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["beta0.5_rate"] > nums["beta1_rate"] > nums["beta4_rate"]
    assert nums["beta0.5_distortion"] < nums["beta1_distortion"] < nums["beta4_distortion"]
