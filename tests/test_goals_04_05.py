"""Goals of issue 4: the caveats of notebook 04 and the regulariser effects of notebook 05.

Each test reads the numbers a notebook recorded (``notebook_numbers`` executes it once per
session) and fails when a demonstrated effect disappears.
"""

import pytest
import torch

NB04 = "04_caveats_and_dangers"
NB05 = "05_regularized_autoencoders"
MODELS = ("plain", "sparse", "denoising", "contractive")
NOISE_KEYS = ("noise_0.2", "noise_0.4", "noise_0.6")


# ---------------------------------------------------------------- notebook 04


@pytest.fixture(scope="module")
def nb04(notebook_numbers):
    return notebook_numbers(NB04)


@pytest.fixture(scope="module")
def nb05(notebook_numbers):
    return notebook_numbers(NB05)


def test_loss_is_indifferent_to_an_invertible_map_of_the_code(nb04):
    assert nb04["invertible_map_mse_gap"] < 1e-5
    # PCA's own code is uncorrelated; the rotated one (same error) is not
    assert nb04["pca_code_corr"] < 1e-3
    assert nb04["pca_rotated_code_corr"] > 0.1


def test_one_dimensional_code_memorises_the_training_images(nb04):
    assert nb04["index_ae_train_mse"] < 0.005
    assert nb04["index_ae_train_mse"] < nb04["pca1_few_train_mse"] / 10
    assert nb04["index_ae_test_mse"] > nb04["pca1_few_test_mse"], "memorising AE should generalise worse than PCA-1"
    assert nb04["index_ae_test_over_pca1_test"] > 1.2, "memorising AE should generalise worse than PCA-1"


def test_capacity_not_the_code_size_memorises(nb04):
    # the same 1-D code with a low-capacity network of the same family does not memorise (its test error varies
    # too much between splits to claim that it generalises better)
    assert nb04["index_small_train_mse"] > 0.5 * nb04["pca1_few_train_mse"]
    assert nb04["index_ae_test_mse"] > 1.1 * nb04["lookup_test_mse"], "worse than returning the nearest training image"


def test_memorising_decoder_is_a_lookup_table(nb04):
    assert nb04["index_ae_sweep_copies"] > 0.5 > nb04["pca1_sweep_copies"]
    assert nb04["index_ae_test_copies"] > 0.3 > nb04["pca1_test_copies"]


def test_overcomplete_code_copies_non_digits(nb04):
    # across input sets only for shifted digits (the same pixels moved, the same energy): a relative
    # error flatters inverted digits, which carry about 3 times the energy of real ones
    assert nb04["over_relerr_digits_shifted_3_px"] < nb04["pca32_relerr_test_digits"]
    for key in ("digits_shifted_3_px", "inverted_box"):
        assert nb04[f"over_relerr_{key}"] < 0.5 * nb04[f"pca32_relerr_{key}"], key
    assert nb04["over_relerr_noise_box"] < 0.7 * nb04["pca32_relerr_noise_box"]


def test_overcomplete_beats_an_undercomplete_control_at_copying(nb04):
    # issue 21: the control is an autoencoder of the same family and budget with a bottleneck, not PCA
    assert nb04["over_vs_under_shifted"] < 0.5
    # and against the converged bottleneck of the same size (PCA-128) it copies shifted and inverted digits better
    assert nb04["over_vs_pca128_shifted"] < 0.85
    assert nb04["over_vs_pca128_inverted"] < 0.75


def test_random_codes_fall_into_holes(nb04):
    assert nb04["holes_m16_random_likeness"] < nb04["holes_m16_test_likeness"] - 0.1
    assert nb04["holes_m16_random_distance"] > 2 * nb04["holes_m16_test_distance"]
    # decoded real codes are rated almost like real digits
    assert nb04["holes_m16_test_likeness"] > nb04["holes_ref_digits_likeness"] - 0.05


@pytest.mark.xfail(strict=True, reason="with the calibrated meter (course_utils/digits.py) the share of likeness > 0.9 "
                   "is 0.51-0.58 x the test codes' share on the subset splits (0.42-0.49 in full mode), goal < 0.5")
def test_random_codes_are_rarely_rated_confidently(nb04):
    assert nb04["holes_m16_random_confident"] < 0.5 * nb04["holes_m16_test_confident"]


# ---------------------------------------------------------------- notebook 05


def test_all_four_models_reconstruct(nb05):
    for name in MODELS:
        assert nb05[f"{name}_clean"] < 0.03, name


def test_every_regulariser_costs_clean_reconstruction_error(nb05):
    for name in ("sparse", "denoising", "contractive"):
        assert nb05[f"{name}_clean"] > nb05["plain_clean"], name


def test_unlit_border_weights_keep_their_initial_values(nb05):
    # W_ji gets the gradient delta_j x_i: zero on pixels that are 0 in every training image, unless the
    # input is corrupted (denoising) or the loss penalises the weights themselves (contractive)
    for name in ("plain", "sparse"):
        assert nb05[f"{name}_never_lit_weights_kept"] == 1.0, name
    for name in ("denoising", "contractive"):
        assert nb05[f"{name}_never_lit_weights_kept"] < 0.01, name


def test_sparse_code_is_sparser_than_plain(nb05):
    assert nb05["sparse_near_zero"] > nb05["plain_near_zero"] + 0.3
    assert nb05["sparse_Hoyer"] > nb05["plain_Hoyer"] + 0.2


@pytest.mark.parametrize("noise", NOISE_KEYS)
def test_denoising_beats_plain_on_noisy_input(nb05, noise):
    assert nb05[f"denoising_{noise}"] < nb05[f"plain_{noise}"]


def test_contractive_code_is_smoother_than_plain(nb05):
    assert nb05["contractive_J_F"] < 0.6 * nb05["plain_J_F"]
    assert nb05["contractive_code_change"] < 0.8 * nb05["plain_code_change"]
    assert nb05["contractive_J_F"] == min(nb05[f"{name}_J_F"] for name in MODELS)


def test_sigmoid_jacobian_closed_form_matches_autograd():
    """The formula of notebook 05: ||J||_F^2 = sum_j (h_j (1 - h_j))^2 sum_i W_ji^2."""
    torch.manual_seed(0)
    layer = torch.nn.Linear(784, 50)
    x = torch.rand(4, 784)
    J = torch.func.vmap(torch.func.jacrev(lambda v: torch.sigmoid(layer(v))))(x)   # (4, 50, 784)
    with torch.no_grad():
        h = torch.sigmoid(layer(x))
        closed = (h * (1 - h)).pow(2) @ layer.weight.pow(2).sum(dim=1)
    torch.testing.assert_close(J.pow(2).sum(dim=(1, 2)), closed, rtol=1e-5, atol=1e-6)
