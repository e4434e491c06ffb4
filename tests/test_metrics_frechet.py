"""The Frechet distance (course_utils.metrics) against closed forms and SciPy's matrix square root,
and the meter's features (course_utils.digits) against the classifier's own layers."""

import numpy as np
import pytest
import scipy.linalg
import torch

import course_utils as cu
from course_utils.digits import digit_features
from course_utils.metrics import frechet_distance


def _reference(a: torch.Tensor, b: torch.Tensor) -> float:
    """The textbook formula with SciPy's general matrix square root of C_a C_b (Heusel et al., 2017)."""
    a, b = a.double().numpy(), b.double().numpy()
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = scipy.linalg.sqrtm(cov_a @ cov_b).real
    return float(((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(cov_a + cov_b - 2 * root))


def test_frechet_matches_scipy_on_random_features():
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(500, 8, generator=gen) @ torch.randn(8, 8, generator=gen) + 1.0
    b = torch.randn(300, 8, generator=gen) @ torch.randn(8, 8, generator=gen)
    assert frechet_distance(a, b) == pytest.approx(_reference(a, b), rel=1e-8)
    assert frechet_distance(a, b) == pytest.approx(frechet_distance(b, a), rel=1e-10)   # symmetric


def test_frechet_closed_form_for_diagonal_covariances():
    """Between N(m_a, diag(s_a^2)) and N(m_b, diag(s_b^2)): |m_a - m_b|^2 + sum (s_a - s_b)^2."""
    gen = torch.Generator().manual_seed(1)
    white = torch.randn(20000, 3, generator=gen, dtype=torch.float64)
    white = (white - white.mean(0)) / white.std(0)                                  # exact mean 0, variance 1
    white = white @ torch.linalg.inv(torch.linalg.cholesky(torch.cov(white.T))).T   # exact identity covariance
    m_a, m_b = torch.tensor([1.0, 0.0, -2.0]), torch.tensor([0.0, 0.5, 0.0])
    s_a, s_b = torch.tensor([1.0, 2.0, 0.5]), torch.tensor([3.0, 2.0, 1.0])
    expected = float(((m_a - m_b) ** 2).sum() + ((s_a - s_b) ** 2).sum())
    assert frechet_distance(m_a + s_a * white, m_b + s_b * white) == pytest.approx(expected, rel=1e-9)


def test_frechet_is_zero_for_one_set_and_a_shift_adds_its_square():
    gen = torch.Generator().manual_seed(2)
    a = torch.randn(400, 5, generator=gen)
    assert abs(frechet_distance(a, a)) < 1e-9
    shift = torch.tensor([3.0, 0.0, 0.0, -4.0, 0.0])
    assert frechet_distance(a + shift, a) == pytest.approx(25.0, rel=1e-9)


def test_frechet_accepts_dead_features_and_rejects_bad_shapes():
    gen = torch.Generator().manual_seed(3)
    a, b = torch.randn(100, 4, generator=gen).clamp_min(0), torch.randn(100, 4, generator=gen).clamp_min(0)
    a[:, 0] = b[:, 0] = 0.0                                         # a feature that never fires: singular covariances
    assert frechet_distance(a, b) == pytest.approx(_reference(a[:, 1:], b[:, 1:]), rel=1e-6)
    with pytest.raises(ValueError):
        frechet_distance(a, b[:, :3])
    with pytest.raises(ValueError):
        frechet_distance(a[:1], b)


def test_digit_features_feed_the_meters_last_layer():
    (x, y), (x_test, _) = cu.load_mnist("train"), cu.load_mnist("test")
    meter = cu.train_digit_classifier(x, y, steps=20, seed=0)
    features = digit_features(meter, x_test[:50])
    assert features.shape == (50, meter[-1].in_features)
    assert float(features.min()) >= 0                               # after the ReLU
    with torch.no_grad():
        torch.testing.assert_close(meter[-1](features), meter(x_test[:50]))
    torch.testing.assert_close(digit_features(meter, x_test[:50].reshape(50, 784)), features)
    with pytest.raises(ValueError):
        digit_features(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)), x_test[:5])
