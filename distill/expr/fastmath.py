"""Vectorisable sin, cos and exp for the float32 kernels.

numba without an SVML-patched LLVM calls scalar libm for transcendental functions, which
stops the loop vectoriser (0.1-0.4e9 evaluations per second). These versions are plain
arithmetic, so LLVM turns each row loop into AVX-512 code, 16 float32 lanes wide, with
fused multiply-adds. Accuracy is a few float32 ulps (checked against numpy in the tests).

- sin / cos: three-part Cody-Waite reduction by pi/2 (accurate for |x| < 8192), then
  minimax polynomials on [-pi/4, pi/4]. Rows with larger or non-finite x are redone by
  libm afterwards, so the result is right everywhere.
- exp: two-part reduction by ln 2, a degree-6 polynomial, and 2^k from a table; results
  saturate to 0 (below -87.3, where float32 turns subnormal) and to inf (above 88.7).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_F = np.float32
_TWO_OVER_PI = _F(0.6366197723675814)
# pi/2 in three parts (Cody-Waite): j * _DP1 is exact for |j| < 2**16.
_DP1 = _F(1.5703125)
_DP2 = _F(4.837512969970703125e-4)
_DP3 = _F(7.54978995489188216e-8)
_HALF = _F(0.5)
_ONE = _F(1.0)
# Minimax coefficients on [-pi/4, pi/4] (Cephes sinf / cosf).
_S1, _S2, _S3 = _F(-1.6666654611e-1), _F(8.3321608736e-3), _F(-1.9515295891e-4)
_C1, _C2, _C3 = _F(4.166664568298827e-2), _F(-1.388731625493765e-3), _F(2.443315711809948e-5)
_REDUCE_LIMIT = _F(8192.0)
# exp: ln 2 in two parts, and a degree-6 polynomial on [-ln2/2, ln2/2] (Cephes expf).
_LOG2E = _F(1.4426950408889634)
_LN2_HI = _F(0.693359375)
_LN2_LO = _F(-2.12194440e-4)
_E1, _E2, _E3 = _F(1.9875691500e-4), _F(1.3981999507e-3), _F(8.3334519073e-3)
_E4, _E5, _E6 = _F(4.1665795894e-2), _F(1.6666665459e-1), _F(5.0000001201e-1)
_EXP_HI = _F(88.72283)
_EXP_LO = _F(-87.33654)
_KMIN = _F(-126.0)
_KMAX = _F(128.0)
_INF = _F(np.inf)
_ZERO = _F(0.0)

# 2^k for k in [-127, 127] as float32 (2^-127 is subnormal but exact); index k + 127.
# exp uses (2p) * 2^(j-1) so that j = 128 (x just below the overflow threshold) fits.
POW2 = np.ldexp(np.float32(1.0), np.arange(-127, 128)).astype(np.float32)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def sin_rows(buf, src, dst, m, shift):
    """buf[dst, :m] = sin(buf[src, :m] + shift * pi/2) in float32 (shift 0: sin, 1: cos)."""
    bad = 0
    for r in range(m):
        x = buf[src, r]
        j = np.floor(x * _TWO_OVER_PI + _HALF)
        y = ((x - j * _DP1) - j * _DP2) - j * _DP3
        z = y * y
        q = (np.int32(j) + shift) & 3
        s = y + y * z * (_S1 + z * (_S2 + z * _S3))
        c = _ONE - _HALF * z + z * z * (_C1 + z * (_C2 + z * _C3))
        v = s if (q & 1) == 0 else c
        v = -v if q >= 2 else v
        buf[dst, r] = v
        bad |= np.int32(not (abs(x) < _REDUCE_LIMIT))
    if bad:
        for r in range(m):
            x = buf[src, r]
            if not (abs(x) < _REDUCE_LIMIT):
                xd = np.float64(x)
                buf[dst, r] = math.sin(xd) if shift == 0 else math.cos(xd)


@njit(cache=True, error_model="numpy", fastmath={"contract"})
def exp_rows(buf, i, m):
    """buf[i, :m] = exp(buf[i, :m]) in float32; saturates to 0 and inf like expf."""
    for r in range(m):
        x = buf[i, r]
        j = np.floor(x * _LOG2E + _HALF)
        y = (x - j * _LN2_HI) - j * _LN2_LO
        z = y * y
        p = ((((((_E1 * y + _E2) * y + _E3) * y + _E4) * y + _E5) * y + _E6) * z + y) + _ONE
        jc = j if j > _KMIN else _KMIN  # NaN lands here too: a safe index, p is NaN anyway
        jc = jc if jc < _KMAX else _KMAX
        v = (p + p) * POW2[np.int32(jc) + 126]
        v = _ZERO if x < _EXP_LO else v
        v = _INF if x > _EXP_HI else v
        buf[i, r] = v
