"""``random_shift``: the whole-pixel shift augmentation of notebook 07."""

import pytest
import torch
from torch.nn import functional as F

import course_utils as cu


def _reference_shift(image: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """One image (C, H, W) moved by (dy, dx) with a zero border, by padding and slicing."""
    m = max(abs(dy), abs(dx))
    _, h, w = image.shape
    padded = F.pad(image, (m, m, m, m))
    return padded[:, m - dy : m - dy + h, m - dx : m - dx + w]


def test_every_image_is_one_allowed_shift_of_itself():
    x = torch.rand(64, 2, 7, 5, generator=torch.Generator().manual_seed(0))
    out = cu.random_shift(x, max_shift=2, generator=torch.Generator().manual_seed(1))
    assert out.shape == x.shape and out.dtype == x.dtype
    offsets = [(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3)]
    seen = set()
    for image, shifted in zip(x, out, strict=True):
        matches = [o for o in offsets if torch.equal(shifted, _reference_shift(image, *o))]
        assert len(matches) == 1, "each output must be exactly one shift of its own input"
        seen.add(matches[0])
    assert len(seen) > 10, "64 images should use many different offsets"


def test_zero_shift_is_the_identity_and_input_is_untouched():
    x = torch.rand(8, 1, 28, 28)
    copy = x.clone()
    assert torch.equal(cu.random_shift(x, max_shift=0), x)
    cu.random_shift(x, max_shift=1)
    assert torch.equal(x, copy)


def test_same_generator_seed_same_shifts():
    x = torch.rand(16, 1, 28, 28)
    a = cu.random_shift(x, 1, torch.Generator().manual_seed(3))
    b = cu.random_shift(x, 1, torch.Generator().manual_seed(3))
    assert torch.equal(a, b)


def test_negative_shift_is_refused():
    with pytest.raises(ValueError, match="max_shift"):
        cu.random_shift(torch.zeros(1, 1, 4, 4), max_shift=-1)
