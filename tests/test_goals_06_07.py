"""Goals of notebooks 06 (KL divergence, variational inference) and 07 (VAE), from the numbers they record,
and the notebooks' KL and ELBO code against independent references.

Chapter 07 is split over two notebooks, each within the 20-second budget: 07 (the model, the ELBO, the
likelihood by importance sampling, 2-D pictures) and 08 (the digit-likeness meter, autoencoder vs. VAE,
the beta sweep).

The reference tests run the notebooks' own definitions (found by name, see ``helpers.notebook_definitions``)
on random inputs, without training and without the notebooks' recorded numbers, against torch.distributions
and numerical integration: notebook 06 asserts its formulas at one or two points only, 07 and 08 not the
VAE's loss at all.
"""

import math

import numpy as np
import pytest
import torch
from helpers import notebook_definitions
from torch import distributions as D
from torch.nn import functional as F

NB06 = "06_kl_divergence_and_variational_inference"
NB07 = "07_variational_autoencoder"
NB08 = "08_ae_vs_vae_and_beta"


# ---- 06: the notebook's definitions against torch.distributions and numerical integration ---------------

def test_06_entropy_and_kl_agree_with_torch_on_random_distributions(float64):
    ns = notebook_definitions(NB06, "entropy", "kl_divergence", "kl_gauss", torch=torch)
    gen = torch.Generator().manual_seed(0)
    with torch.random.fork_rng(devices=[]):                                  # Dirichlet takes no generator
        torch.manual_seed(0)
        p = D.Dirichlet(torch.full((6,), 0.5)).sample((500,))               # (500, 6), some p near 0
        q = D.Dirichlet(torch.ones(6)).sample((500,))
    p[:50, 0] = 0.0                                                          # exact zeros: 0 log 0 = 0
    p[:50] /= p[:50].sum(1, keepdim=True)
    torch.testing.assert_close(ns["entropy"](p), D.Categorical(probs=p).entropy())
    torch.testing.assert_close(ns["kl_divergence"](p, q), D.kl_divergence(D.Categorical(probs=p),
                                                                           D.Categorical(probs=q)))
    mu1, mu2 = torch.randn(2, 500, generator=gen) * 3
    s1, s2 = torch.rand(2, 500, generator=gen) * 3 + 0.1
    torch.testing.assert_close(ns["kl_gauss"](mu1, s1, mu2, s2),
                               D.kl_divergence(D.Normal(mu1, s1), D.Normal(mu2, s2)))


def test_06_evidence_posterior_and_elbo_against_numerical_integration(float64):
    """The notebook's log p(x), posterior and ELBO(q), for random q = N(m, v), against Bayes' rule
    integrated on a grid: ELBO(q) = log p(x) - KL(q || p(z|x)) with KL from torch.distributions."""
    ns = notebook_definitions(NB06, "kl_gauss", "S_NOISE", "X_OBS", "log_px", "post_mean", "post_var",
                              "elbo", torch=torch, np=np, D=D)
    z = torch.linspace(-12, 12, 240_001)
    joint = (D.Normal(0.0, 1.0).log_prob(z) + D.Normal(z, ns["S_NOISE"]).log_prob(torch.tensor(ns["X_OBS"]))).exp()
    evidence = torch.trapezoid(joint, z)
    mean = torch.trapezoid(z * joint, z) / evidence
    var = torch.trapezoid((z - mean) ** 2 * joint, z) / evidence
    assert float(ns["log_px"]) == pytest.approx(float(evidence.log()), abs=1e-9)
    assert ns["post_mean"] == pytest.approx(float(mean), abs=1e-9)
    assert ns["post_var"] == pytest.approx(float(var), abs=1e-9)
    gen = torch.Generator().manual_seed(0)
    m = torch.randn(50, generator=gen) * 2
    v = torch.rand(50, generator=gen) * 2 + 0.01
    reference = evidence.log() - D.kl_divergence(D.Normal(m, v.sqrt()), D.Normal(mean, var.sqrt()))
    torch.testing.assert_close(ns["elbo"](m, v), reference, rtol=0, atol=1e-9)


# ---- 06: numbers the notebook records (its asserts already cover entropy, the coin's maximum and
# KL >= 0, KL(p||p) = 0 and the asymmetry, the closed-form Gaussian KL and the ELBO identity) -------------

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
    assert abs(nums["gauss_kl_z"]) < 3


def test_vi_reaches_posterior(notebook_numbers):
    nums = notebook_numbers(NB06)
    # z ~ N(0, 1), x | z ~ N(z, 0.5^2), x = 1.5: posterior N(1.2, 0.2)
    assert nums["vi_m"] == pytest.approx(1.2, abs=1e-3)
    assert nums["vi_v"] == pytest.approx(0.2, abs=1e-3)
    assert 0 <= nums["vi_final_gap"] < 1e-4


# ---- 07, 08: the VAE's loss against torch.distributions ----------------------------------------------

@pytest.mark.parametrize("stem, names", [(NB07, ("elbo_terms", "vae_loss")), (NB08, ("vae_loss",))])
def test_vae_loss_is_bernoulli_nll_plus_beta_gaussian_kl(stem, names):
    """-log p(x|z) of a Bernoulli decoder summed over pixels, plus beta KL(N(mu, sigma^2) || N(0, I))
    summed over latent dimensions, each averaged over the images."""
    vae_loss = notebook_definitions(stem, *names, torch=torch, F=F)["vae_loss"]
    gen = torch.Generator().manual_seed(0)
    x = torch.bernoulli(torch.rand(6, 1, 28, 28, generator=gen), generator=gen)   # binary images
    logits = torch.randn(6, 1, 28, 28, generator=gen) * 3
    mu, logvar = torch.randn(6, 5, generator=gen) * 2, torch.randn(6, 5, generator=gen)

    recon = -D.Independent(D.Bernoulli(logits=logits), 3).log_prob(x)                   # (6,)
    q = D.Independent(D.Normal(mu, (0.5 * logvar).exp()), 1)
    kl = D.kl_divergence(q, D.Independent(D.Normal(torch.zeros(5), torch.ones(5)), 1))   # (6,)
    for beta in (0.5, 1.0, 4.0):
        loss, terms = vae_loss(lambda images: (logits, mu, logvar), x, beta)
        torch.testing.assert_close(loss, recon.mean() + beta * kl.mean())
        torch.testing.assert_close(terms["recon"], recon.mean())
        torch.testing.assert_close(terms["kl"], kl.mean())


# ---- 07 ------------------------------------------------------------------------------------------

def test_reparameterised_gradient_has_far_smaller_variance(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["grad_var_reparam"] == pytest.approx(4.0, rel=0.05)   # var(2 z_1), z_1 ~ N(1, 1)
    assert nums["grad_var_ratio"] > 10


def test_vae_test_negative_elbo_goal(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["test_nelbo_20d"] <= 110.0
    assert nums["test_nelbo_20d"] < nums["test_nelbo_2d"]


def test_importance_sampled_likelihood_lies_below_the_elbo(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["test_nll_is_20d"] < nums["test_nelbo_20d"]              # K = 1000 vs the whole test split
    assert nums["test_nll_is_20d"] < nums["test_nelbo_is_images_20d"]    # the same 100 images


def test_importance_sampling_starts_at_the_elbo_and_never_rises(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["is_k1_vs_elbo_se"] <= 3        # K = 1 is the ELBO, within 3 standard errors
    assert nums["is_largest_rise_se"] <= 3      # no larger K raises the estimate beyond noise


def test_active_units(notebook_numbers):
    nums = notebook_numbers(NB07)
    assert nums["active_units_2d"] == 2
    assert 1 <= nums["active_units_20d"] <= 20
    sweep = notebook_numbers(NB08)
    assert sweep["beta4_active"] < sweep["beta1_active"] <= sweep["beta0.5_active"]   # strictly fewer at beta = 4


def test_digit_likeness_meter_is_calibrated(notebook_numbers):
    nums = notebook_numbers(NB08)
    assert nums["likeness_noise"] <= 0.1
    assert nums["likeness_blank"] <= 0.1
    assert nums["likeness_real"] >= 0.9


def test_vae_prior_samples_beat_an_autoencoder_sampled_from_a_prior_it_never_had(notebook_numbers):
    # the loaded comparison, kept as the first row of 08's table; the fair baseline is in test_goals_08.py
    nums = notebook_numbers(NB08)
    assert nums["likeness_vae"] > nums["likeness_ae"]


def test_beta_trades_rate_for_distortion(notebook_numbers):
    nums = notebook_numbers(NB08)
    assert nums["beta0.5_rate"] > nums["beta1_rate"] > nums["beta4_rate"] > nums["beta8_rate"]
    assert nums["beta0.5_distortion"] < nums["beta1_distortion"] < nums["beta4_distortion"] < nums["beta8_distortion"]


@pytest.mark.timing
@pytest.mark.slow
@pytest.mark.parametrize("stem", [
    pytest.param(NB07, marks=pytest.mark.xfail(
        strict=True, reason="issue 22: measured 27.7 s idle (make notebooks, 2 cores), goal 20 s; the 1,312-step "
                            "20-D VAE that reaches the -ELBO goal takes ~15 s alone")),
    NB08])
def test_chapter_notebook_runs_within_20_seconds(stem, root, tmp_path, monkeypatch):
    """Issue 12: each notebook of the chapter runs from a fresh kernel within 20 s (default mode,
    2 cores). It executes the notebook again, so ``make check-repeat`` runs it, last and alone;
    on a machine busy with other work the time says little."""
    from lecture.run import execute

    # what a student gets: 2 threads that spin while they wait (conftest sets 1 and passive)
    monkeypatch.setenv("COURSE_THREADS", "2")
    monkeypatch.delenv("OMP_WAIT_POLICY", raising=False)
    _, seconds = execute(root / "notebooks" / f"{stem}.ipynb", tmp_path)
    assert seconds <= 20, f"{stem} took {seconds:.1f} s (goal: 20 s on an idle 2-core machine)"
