"""The digit-likeness meter (course_utils.digits): calibrated at both ends, strict about its inputs."""

import pytest
import torch
from torch.nn import functional as F

import course_utils as cu
from course_utils.digits import NON_DIGIT_KINDS, make_non_digits


@pytest.fixture(scope="module")
def mnist():
    return cu.load_mnist("train"), cu.load_mnist("test")


@pytest.fixture(scope="module", params=[0, 1])
def meter(request, mnist):
    (x, y), _ = mnist
    return cu.train_digit_classifier(x, y, seed=request.param)


def test_calibration_noise_and_blank_low_real_digits_high(meter, mnist):
    _, (x_test, _) = mnist
    gen = torch.Generator().manual_seed(123)
    noise = torch.rand(1000, 1, 28, 28, generator=gen)          # fresh noise, not the training negatives
    assert cu.digit_likeness(meter, noise).mean() <= 0.1
    assert cu.digit_likeness(meter, torch.zeros(10, 1, 28, 28)).mean() <= 0.1
    assert cu.digit_likeness(meter, x_test).mean() >= 0.9       # held-out real digits


def test_every_kind_of_held_out_non_digit_scores_low(meter, mnist):
    _, (x_test, _) = mnist
    for kind, images in make_non_digits(x_test, seed=123).items():
        assert cu.digit_likeness(meter, images).mean() <= 0.1, kind


def test_likeness_is_the_probability_of_the_most_likely_digit(meter, mnist):
    _, (x_test, _) = mnist
    images = x_test[:50]
    reference = F.softmax(meter(images), dim=1)[:, :10].max(dim=1).values   # class 10: not a digit
    likeness = cu.digit_likeness(meter, images.reshape(50, 784))   # flat images are accepted
    assert likeness.shape == (50,)
    torch.testing.assert_close(likeness, reference.detach(), atol=1e-6, rtol=0)
    assert float(likeness.min()) >= 0 and float(likeness.max()) <= 1


def test_classifier_is_in_eval_mode_with_11_outputs(meter):
    assert not meter.training
    assert meter(torch.zeros(3, 1, 28, 28)).shape == (3, 11)


def test_same_seed_same_meter(mnist):
    (x, y), _ = mnist
    a = cu.train_digit_classifier(x[:400], y[:400], steps=20, seed=3)
    b = cu.train_digit_classifier(x[:400], y[:400], steps=20, seed=3)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)


def test_non_digits_shapes_ranges_and_seeding(mnist):
    (x, _), _ = mnist
    state = torch.random.get_rng_state()
    sets = make_non_digits(x[:30], seed=5)
    assert torch.equal(state, torch.random.get_rng_state())       # the global RNG is untouched
    assert tuple(sets) == NON_DIGIT_KINDS
    for kind, images in sets.items():
        assert images.shape == (30, 1, 28, 28), kind
        assert float(images.min()) >= 0 and float(images.max()) <= 1, kind
    assert torch.equal(sets["blank"], torch.zeros(30, 1, 28, 28))
    torch.testing.assert_close(sets["inverted digits"], 1 - x[:30])
    again = make_non_digits(x[:30], seed=5)
    assert all(torch.equal(sets[k], again[k]) for k in sets)


@pytest.mark.parametrize("bad_x", [
    torch.rand(10, 784),                # flat images: the trainer wants (n, 1, 28, 28)
    torch.rand(10, 3, 28, 28),
    torch.rand(10, 1, 28, 28) * 255,    # 0-255 pixels, not [0, 1]
    torch.rand(0, 1, 28, 28),
])
def test_train_rejects_bad_images(bad_x):
    with pytest.raises(ValueError):
        cu.train_digit_classifier(bad_x, torch.zeros(len(bad_x), dtype=torch.long))


@pytest.mark.parametrize("bad_y", [
    torch.zeros(9, dtype=torch.long),          # one label short
    torch.full((10,), 10, dtype=torch.long),   # 10 is not a digit
    torch.zeros(10),                           # float labels
])
def test_train_rejects_bad_labels(bad_y):
    with pytest.raises(ValueError):
        cu.train_digit_classifier(torch.rand(10, 1, 28, 28), bad_y)


def test_likeness_rejects_bad_images(meter):
    with pytest.raises(ValueError):
        cu.digit_likeness(meter, torch.rand(5, 28, 28))
    with pytest.raises(ValueError):
        cu.digit_likeness(meter, torch.rand(5, 1, 28, 28) * 255)
    with pytest.raises(ValueError):
        cu.digit_likeness(meter, torch.full((5, 784), float("nan")))


def test_likeness_rejects_a_ten_class_classifier():
    ten = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10))
    with pytest.raises(ValueError, match="11 outputs"):
        cu.digit_likeness(ten, torch.rand(5, 1, 28, 28))


def test_blends_of_two_digits_score_below_real_digits(meter, mnist):
    _, (x_test, y_test) = mnist
    other = x_test.flip(0)                                        # the test set is sorted by digit
    different = y_test != y_test.flip(0)
    overlaid = torch.maximum(x_test, other)[different]
    assert cu.digit_likeness(meter, overlaid).mean() < cu.digit_likeness(meter, x_test).mean()
