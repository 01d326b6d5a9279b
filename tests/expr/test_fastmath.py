"""The float32 polynomial sin/cos/exp against numpy's float64 results."""

import numpy as np

from distill.expr import evaluate, parse

XS = np.concatenate([
    np.linspace(-10, 10, 20001), np.linspace(-9000, 9000, 5001), [1e5, -3e7, 1e30, 0.0, -0.0],
    np.random.default_rng(0).uniform(-100, 100, 20000),
]).astype(np.float32)


def _ulps(ours, ref):
    spacing = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    return np.abs(ours.astype(np.float64) - ref) / np.maximum(spacing, np.spacing(np.float32(1e-3)))


def test_sin_cos_float32_within_a_few_ulps_of_float64_truth():
    for name, fn in (("sin", np.sin), ("cos", np.cos)):
        ours = evaluate([parse(f"{name}(x0)")], XS[:, None], dtype=np.float32)[0]
        ref = fn(XS.astype(np.float64))
        assert np.all(np.isfinite(ours))
        # Absolute error near zeros of sin/cos is bounded by float32 resolution of pi/2 multiples.
        assert np.max(np.abs(ours - ref)) < 2e-6 * np.maximum(1, np.abs(XS).max() / 1e4)
        small = np.abs(XS) < 100
        assert np.percentile(_ulps(ours[small], ref[small]), 99) < 4


def test_exp_float32_accuracy_and_saturation():
    x = np.concatenate([np.linspace(-87, 88.5, 50001), [-200, -88, 89, 200, 0]]).astype(np.float32)
    ours = evaluate([parse("exp(x0)")], x[:, None], dtype=np.float32)[0]
    ref = np.exp(x.astype(np.float64))
    finite = ref < np.finfo(np.float32).max
    rel = np.abs(ours[finite] - ref[finite]) / ref[finite]
    assert np.max(rel[ref[finite] > 1e-37]) < 5e-7
    assert np.all(np.isnan(ours[~finite]))  # overflow is invalid, hence NaN
    assert ours[x == -200][0] == 0.0


def test_nan_input_stays_nan_in_float32_kernels():
    x = np.array([[np.nan], [1.0]], dtype=np.float32)
    for name in ("sin", "cos", "exp"):
        out = evaluate([parse(f"{name}(x0)")], x, dtype=np.float32)[0]
        assert np.isnan(out[0]) and np.isfinite(out[1])
