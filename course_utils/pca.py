"""PCA, the baseline every autoencoder in the lecture is measured against."""

from __future__ import annotations

from dataclasses import dataclass

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
        return (flatten(x) - self.mean) @ self.components.T

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstruction of shape (n, d) from codes ``z`` of shape (n, k)."""
        return z @ self.components + self.mean

    def reconstruct(self, x: torch.Tensor) -> torch.Tensor:
        """Projection of ``x`` onto the principal subspace, in the shape of ``x``."""
        return self.decode(self.encode(x)).reshape(x.shape)


def flatten(x: torch.Tensor) -> torch.Tensor:
    """``x`` of shape (n, ...) as a float64 tensor of shape (n, d)."""
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
    X = flatten(x)
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
