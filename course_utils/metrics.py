"""Measurements the notebooks print: PCA baseline, errors, separability, angles, sparsity."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass
class PCA:
    """A fitted PCA: ``x ~ mean + (x - mean) @ components.T @ components``.

    Attributes
    ----------
    mean : torch.Tensor of shape (d,)
    components : torch.Tensor of shape (k, d)
        Orthonormal rows, ordered by decreasing variance, sign fixed so that the
        largest-magnitude entry of each row is positive.
    explained_variance : torch.Tensor of shape (k,)
        Variance of the data along each component (divided by n - 1).
    total_variance : float
        Sum of the variances of all d input coordinates.
    """

    mean: torch.Tensor
    components: torch.Tensor
    explained_variance: torch.Tensor
    total_variance: float

    def top(self, k: int) -> PCA:
        """The same PCA keeping only its first ``k`` components (no refit)."""
        if not 1 <= k <= len(self.components):
            raise ValueError(f"k must be between 1 and {len(self.components)}, got {k}")
        return PCA(self.mean, self.components[:k], self.explained_variance[:k],
                   self.total_variance)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Code of shape (n, k) of inputs ``x`` of shape (n, ...) ."""
        return (_flat(x) - self.mean) @ self.components.T

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstruction of shape (n, d) from codes ``z`` of shape (n, k)."""
        return z @ self.components + self.mean

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Projection of ``x`` onto the principal subspace, in the shape of ``x``."""
        return self.decode(self.encode(x)).reshape(x.shape)


def _flat(x: torch.Tensor) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or x.dim() < 2:
        raise ValueError(f"expected a tensor of shape (n, ...), got {getattr(x, 'shape', type(x))}")
    return x.reshape(len(x), -1).to(torch.float64)


def fit_pca(x: torch.Tensor, k: int) -> PCA:
    """Principal component analysis through the SVD of the centred data (float64).

    Parameters
    ----------
    x : torch.Tensor of shape (n, ...)
        Data; flattened to (n, d).
    k : int
        Number of components, 1 <= k <= min(n, d).

    Returns
    -------
    pca : PCA
        With float64 tensors; ``encode``/``decode``/``reconstruct`` accept any float tensor.
    """
    X = _flat(x)
    n, d = X.shape
    if not 1 <= k <= min(n, d):
        raise ValueError(f"k must be between 1 and min(n, d) = {min(n, d)}, got {k}")
    mean = X.mean(0)
    Xc = X - mean
    _, s, Vt = torch.linalg.svd(Xc, full_matrices=False)
    comps = Vt[:k]
    signs = torch.sign(comps[torch.arange(k), comps.abs().argmax(1)])
    comps = comps * signs[:, None]
    var = s[:k] ** 2 / (n - 1)
    return PCA(mean, comps, var, float((Xc**2).sum() / (n - 1)))


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
    a, b = _flat(x.detach()), _flat(x_hat.detach().to(x.device))
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
    z = _flat(z)
    m = z.shape[1]
    if m < 2:
        raise ValueError("Hoyer's index needs codes with at least 2 units")
    l1, l2 = z.abs().sum(1), z.norm(dim=1).clamp_min(1e-12)
    return float(((m**0.5 - l1 / l2) / (m**0.5 - 1)).mean())


def _np(t: torch.Tensor | np.ndarray) -> np.ndarray:
    return t.detach().cpu().numpy() if isinstance(t, torch.Tensor) else np.asarray(t)
