"""Measurements the notebooks print: errors, separability, unrolling, angles, sparsity, Frechet distance."""

from __future__ import annotations

import numpy as np
import torch

from course_utils.pca import flatten


def mse(x: torch.Tensor, x_hat: torch.Tensor) -> float:
    """Mean squared error per pixel, averaged over images.

    Parameters
    ----------
    x, x_hat : torch.Tensor of the same number of elements per row, shape (n, ...)

    Returns
    -------
    mse : float
    """
    if x.shape[0] != x_hat.shape[0] or x[0].numel() != x_hat[0].numel():
        raise ValueError(f"shapes differ: {tuple(x.shape)} vs {tuple(x_hat.shape)}")
    a, b = flatten(x.detach()), flatten(x_hat.detach().to(x.device))
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {tuple(x.shape)} vs {tuple(x_hat.shape)}")
    return float(((a - b) ** 2).mean())


def knn_accuracy(
    z_train: torch.Tensor, y_train: torch.Tensor, z_test: torch.Tensor, y_test: torch.Tensor,
    *, k: int = 5,
) -> float:
    """Test accuracy of a k-nearest-neighbour classifier on codes: how well classes separate.

    Parameters
    ----------
    z_train : torch.Tensor of shape (n, m)
    y_train : torch.Tensor of shape (n,)
    z_test : torch.Tensor of shape (n_test, m)
    y_test : torch.Tensor of shape (n_test,)
    k : int, default 5

    Returns
    -------
    accuracy : float in [0, 1]
    """
    from sklearn.neighbors import KNeighborsClassifier

    clf = KNeighborsClassifier(n_neighbors=k).fit(_np(z_train), _np(y_train))
    return float(clf.score(_np(z_test), _np(y_test)))


def subspace_angles_deg(a: torch.Tensor, b: torch.Tensor) -> np.ndarray:
    """Principal angles, in degrees, between the column spaces of ``a`` and ``b``.

    Parameters
    ----------
    a : torch.Tensor of shape (d, k1)
    b : torch.Tensor of shape (d, k2)

    Returns
    -------
    angles : numpy.ndarray of shape (min(k1, k2),)
        Largest first, in [0, 90].
    """
    from scipy.linalg import subspace_angles

    return np.degrees(subspace_angles(_np(a).astype(np.float64), _np(b).astype(np.float64)))


def unrolling_r2(code: torch.Tensor, coords: torch.Tensor) -> float:
    """How well a 2-D code unrolls a manifold: linear R^2 of the true coordinates from the code.

    A code that lays the manifold out flat is (close to) an affine function of
    the manifold's own coordinates, so a linear regression from the code
    predicts each coordinate well (R^2 near 1). A projection that folds the
    manifold onto itself scores near 0.

    Parameters
    ----------
    code : torch.Tensor of shape (n, m)
        Codes (usually m = 2).
    coords : torch.Tensor of shape (n, c)
        True manifold coordinates, e.g. from :func:`course_utils.make_manifold`.

    Returns
    -------
    r2 : float
        Mean over the c coordinates of the R^2 of a least-squares fit, at most 1.
    """
    from sklearn.linear_model import LinearRegression

    Z, T = _np(code).astype(np.float64), _np(coords).astype(np.float64).reshape(len(code), -1)
    return float(np.mean([LinearRegression().fit(Z, T[:, j]).score(Z, T[:, j])
                          for j in range(T.shape[1])]))


def hoyer_sparsity(z: torch.Tensor) -> float:
    """Hoyer's sparsity index of each code, averaged over codes.

    ``(sqrt(m) - |z|_1 / |z|_2) / (sqrt(m) - 1)``: 0 for a flat code, 1 for a
    code with a single non-zero entry.

    Parameters
    ----------
    z : torch.Tensor of shape (n, m), m >= 2

    Returns
    -------
    hoyer : float in [0, 1]
    """
    z = flatten(z)
    m = z.shape[1]
    if m < 2:
        raise ValueError("Hoyer's index needs codes with at least 2 units")
    l1, l2 = z.abs().sum(1), z.norm(dim=1).clamp_min(1e-12)
    return float(((m**0.5 - l1 / l2) / (m**0.5 - 1)).mean())


def frechet_distance(a: torch.Tensor, b: torch.Tensor) -> float:
    """Frechet distance between Gaussians fitted to two sets of feature vectors.

    ``|m_a - m_b|^2 + tr(C_a + C_b - 2 (C_a^(1/2) C_b C_a^(1/2))^(1/2))``, the squared
    2-Wasserstein distance between ``N(m_a, C_a)`` and ``N(m_b, C_b)`` with the sample means
    and covariances of ``a`` and ``b``. On the features of an image classifier it is the
    Frechet Inception Distance of Heusel et al. (2017) with another network: it grows when
    the generated images' features move away from the real ones (e.g. blur) and when their
    spread differs (e.g. too little diversity), which a per-image score cannot see.

    Parameters
    ----------
    a : torch.Tensor of shape (n_a, d)
        Features of one set (e.g. generated images), n_a >= 2.
    b : torch.Tensor of shape (n_b, d)
        Features of the other (e.g. real images), n_b >= 2, the same d.

    Returns
    -------
    distance : float
        >= 0 (up to rounding), in squared feature units; 0 for two sets with equal means and
        covariances. Computed in float64; the matrix square roots from symmetric
        eigendecompositions, so singular covariances (dead features) are fine.

    Notes
    -----
    The estimate from samples is biased upwards, more so for fewer samples and more features:
    compare distances only between sets of the same sizes.
    """
    if a.dim() != 2 or b.dim() != 2 or a.shape[1] != b.shape[1] or len(a) < 2 or len(b) < 2:
        raise ValueError(f"expected features of shapes (n_a, d) and (n_b, d), n >= 2, "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")
    a, b = a.detach().cpu().double(), b.detach().cpu().double()
    cov_a, cov_b = torch.cov(a.T), torch.cov(b.T)                    # (d, d) each
    root_a = _psd_sqrt(cov_a)
    cross = torch.linalg.eigvalsh(root_a @ cov_b @ root_a).clamp_min(0).sqrt().sum()   # tr((..)^(1/2))
    mean_term = ((a.mean(0) - b.mean(0)) ** 2).sum()
    return float(mean_term + cov_a.trace() + cov_b.trace() - 2 * cross)


def _psd_sqrt(c: torch.Tensor) -> torch.Tensor:
    """The symmetric square root of a symmetric positive semi-definite matrix."""
    w, v = torch.linalg.eigh((c + c.T) / 2)
    return (v * w.clamp_min(0).sqrt()) @ v.T


def _np(t: torch.Tensor | np.ndarray) -> np.ndarray:
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
