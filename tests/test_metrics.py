"""Measurements checked against trusted references (scikit-learn, SciPy, closed forms)."""

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA as SkPCA

import course_utils as cu


@pytest.fixture(scope="module")
def digits():
    x, y = cu.load_mnist("test", full=False)
    return x, y


def test_pca_matches_sklearn_up_to_sign(digits):
    x, _ = digits
    ours = cu.fit_pca(x, 10)
    ref = SkPCA(n_components=10, svd_solver="full").fit(x.reshape(len(x), -1).double().numpy())
    np.testing.assert_allclose(ours.explained_variance.numpy(), ref.explained_variance_, rtol=1e-8)
    dots = (ours.components.numpy() * ref.components_).sum(1)
    np.testing.assert_allclose(np.abs(dots), 1.0, atol=1e-8)
    z_ref = ref.transform(x.reshape(len(x), -1).double().numpy())
    np.testing.assert_allclose(np.abs(ours.encode(x).numpy()), np.abs(z_ref), atol=1e-8)


def test_pca_error_is_discarded_variance(digits):
    """Eckart-Young: the mean squared reconstruction error = sum of discarded eigenvalues."""
    x, _ = digits
    full = cu.fit_pca(x, 200)
    for k in (2, 32):
        n, d = len(x), x[0].numel()
        err = cu.mse(x, full.top(k).reconstruct(x)) * d  # per image, summed over pixels
        discarded = (full.total_variance - float(full.explained_variance[:k].sum())) * (n - 1) / n
        assert err == pytest.approx(discarded, rel=1e-9)


def test_pca_top_and_bad_k(digits):
    x, _ = digits
    p = cu.fit_pca(x, 8)
    assert torch.equal(p.top(3).components, p.components[:3])
    with pytest.raises(ValueError, match="k must be between"):
        cu.fit_pca(x, 0)
    with pytest.raises(ValueError, match="k must be between"):
        p.top(9)


def test_mse_reference_and_shape_error():
    a, b = torch.zeros(4, 1, 2, 2), torch.ones(4, 1, 2, 2) * 0.5
    assert cu.mse(a, b) == pytest.approx(0.25)
    assert cu.mse(a, b.reshape(4, 4)) == pytest.approx(0.25)
    with pytest.raises(ValueError, match="shapes differ"):
        cu.mse(a, torch.zeros(3, 4))


def test_knn_accuracy_separable_and_random():
    gen = torch.Generator().manual_seed(0)
    y = torch.arange(200) % 2
    z_sep = torch.stack([y * 10.0, torch.zeros(200)], 1) + 0.1 * torch.randn(200, 2, generator=gen)
    assert cu.knn_accuracy(z_sep[:100], y[:100], z_sep[100:], y[100:]) == 1.0
    z_rand = torch.randn(200, 2, generator=gen)
    assert 0.3 < cu.knn_accuracy(z_rand[:100], y[:100], z_rand[100:], y[100:]) < 0.7


def test_subspace_angles_closed_form():
    a = torch.tensor([[1.0], [0.0]])
    b = torch.tensor([[np.cos(np.radians(30))], [np.sin(np.radians(30))]], dtype=torch.float32)
    np.testing.assert_allclose(cu.subspace_angles_deg(a, b), [30.0], atol=1e-5)
    q, _ = torch.linalg.qr(torch.randn(10, 3, generator=torch.Generator().manual_seed(1)))
    mixed = q @ torch.randn(3, 3, generator=torch.Generator().manual_seed(2))  # same span
    np.testing.assert_allclose(cu.subspace_angles_deg(q, mixed), 0.0, atol=1e-4)


def test_hoyer_extremes():
    assert cu.hoyer_sparsity(torch.ones(3, 16)) == pytest.approx(0.0, abs=1e-9)
    one_hot = torch.zeros(3, 16)
    one_hot[:, 5] = 2.0
    assert cu.hoyer_sparsity(one_hot) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        cu.hoyer_sparsity(torch.ones(3, 1))


def test_unrolling_r2_flat_vs_folded():
    X, coords = cu.make_manifold("swiss_roll", 800, seed=0)
    assert cu.unrolling_r2(coords * 3 + 1, coords) == pytest.approx(1.0)  # affine: perfect
    assert cu.unrolling_r2(X[:, [0, 2]], coords) < 0.3                    # the rolled spiral


def test_digit_likeness_real_vs_noise(digits):
    x, y = digits
    clf = cu.train_digit_classifier(x, y)
    real = cu.digit_likeness(clf, x[:200]).mean()
    noise = cu.digit_likeness(clf, torch.rand(200, 1, 28, 28, generator=torch.Generator().manual_seed(0))).mean()
    assert real > 0.8 and real > noise + 0.2
    with pytest.raises(ValueError, match=r"\(n, 1, 28, 28\)"):
        cu.train_digit_classifier(x.reshape(len(x), -1), y)
