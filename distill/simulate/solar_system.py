"""The Sun and the eight planets (optionally the Moon), integrated symplectically.

Units: AU, days, solar masses; ``G = 2.959122082855911e-4 AU^3 / (M_sun day^2)`` (the Gaussian
constant squared). Initial conditions at J2000 from the mean Keplerian elements of Standish,
"Keplerian Elements for Approximate Positions of the Major Planets" (JPL, table 1, valid
1800-2050; Earth is the Earth-Moon barycentre), in the J2000 ecliptic frame, each read as a
Jacobi orbit (see :func:`initial_state`), then moved to the barycentre. Masses from the IAU
2009/2012 Sun/planet mass ratios. The Moon option splits the Earth-Moon barycentre with
approximate J2000 mean lunar elements (geocentric, ecliptic), taken as osculating: the
simulated sidereal month comes out about 1.5% long.

The integrator is Yoshida's fourth-order symplectic composition of the kick-drift-kick
leapfrog: energy errors stay bounded (no secular drift) over decades at sub-day steps.
"""

from __future__ import annotations

import math

import numpy as np

from distill.simulate.dataset import NBodyData, full_edge_index

G = 2.959122082855911e-4  # AU^3 / (M_sun day^2)
DAYS_PER_CENTURY = 36525.0

# name: (a [AU], e, I [deg], L [deg], longitude of perihelion [deg], node [deg],
#        dL/dt [deg / century])
J2000_ELEMENTS = {
    "Mercury": (0.38709927, 0.20563593, 7.00497902, 252.25032350, 77.45779628, 48.33076593,
                149472.67411175),
    "Venus": (0.72333566, 0.00677672, 3.39467605, 181.97909950, 131.60246718, 76.67984255,
              58517.81538729),
    "Earth": (1.00000261, 0.01671123, -0.00001531, 100.46457166, 102.93768193, 0.0,
              35999.37244981),
    "Mars": (1.52371034, 0.09339410, 1.84969142, -4.55343205, -23.94362959, 49.55953891,
             19140.30268499),
    "Jupiter": (5.20288700, 0.04838624, 1.30439695, 34.39644051, 14.72847983, 100.47390909,
                3034.74612775),
    "Saturn": (9.53667594, 0.05386179, 2.48599187, 49.95424423, 92.59887831, 113.66242448,
               1222.49362201),
    "Uranus": (19.18916464, 0.04725744, 0.77263783, 313.23810451, 170.95427630, 74.01692503,
               428.48202785),
    "Neptune": (30.06992276, 0.00859048, 1.77004347, -55.12002969, 44.96476227, 131.78422574,
                218.45945325),
}

# M_sun / M_body (Earth: Earth + Moon).
MASS_RATIOS = {
    "Mercury": 6023657.33,
    "Venus": 408523.719,
    "Earth": 328900.559,
    "Mars": 3098703.59,
    "Jupiter": 1047.348644,
    "Saturn": 3497.9018,
    "Uranus": 22902.98,
    "Neptune": 19412.26,
}
EARTH_MOON_MASS_RATIO = 81.30056

# Approximate geocentric mean elements of the Moon at J2000 (ecliptic):
# a [AU], e, I, L, longitude of perigee, node [deg].
MOON_ELEMENTS = (0.00256955529, 0.0549, 5.145, 218.316, 83.353, 125.044)


def sidereal_period(name: str) -> float:
    """Published mean sidereal period of a planet in days, from the mean-longitude rate."""
    return 360.0 / J2000_ELEMENTS[name][6] * DAYS_PER_CENTURY


def elements_to_state(a, e, inc, mean_long, long_peri, node, mu):
    """Position and velocity (AU, AU/day) from Keplerian elements (angles in degrees).

    Solves Kepler's equation by Newton iteration; ``mu = G (M + m)``.
    """
    inc, node = math.radians(inc), math.radians(node)
    omega = math.radians(long_peri) - node
    mean_anomaly = math.remainder(math.radians(mean_long - long_peri), 2 * math.pi)
    ecc_anomaly = mean_anomaly + e * math.sin(mean_anomaly)
    for _ in range(50):
        step = (ecc_anomaly - e * math.sin(ecc_anomaly) - mean_anomaly) / (
            1 - e * math.cos(ecc_anomaly)
        )
        ecc_anomaly -= step
        if abs(step) < 1e-15:
            break
    cos_e, sin_e = math.cos(ecc_anomaly), math.sin(ecc_anomaly)
    root = math.sqrt(1 - e * e)
    rate = math.sqrt(mu / a**3) / (1 - e * cos_e)
    plane_pos = np.array([a * (cos_e - e), a * root * sin_e, 0.0])
    plane_vel = np.array([-a * sin_e * rate, a * root * cos_e * rate, 0.0])
    rot = _rot_z(node) @ _rot_x(inc) @ _rot_z(omega)
    return rot @ plane_pos, rot @ plane_vel


def initial_state(moons: bool = False):
    """Barycentric J2000 state: ``(names, masses, positions, velocities)``.

    Each planet's mean elements are read as a Jacobi orbit: about the barycentre of the Sun
    and the planets inside it, with ``mu = G (M_inside + m)``. This keeps the Sun's reflex
    motion (mostly Jupiter's doing) out of the outer planets' velocities; reading every orbit
    as heliocentric made Saturn's period 0.7% short, reading the giants as barycentric made
    Jupiter's 0.8% long. The Moon's orbit is geocentric.

    Shapes: masses (n,), positions and velocities (n, 3).
    """
    names, masses, pos, vel = ["Sun"], [1.0], [np.zeros(3)], [np.zeros(3)]
    inner_mass, inner_pos, inner_vel = 1.0, np.zeros(3), np.zeros(3)
    for name, elements in J2000_ELEMENTS.items():
        mass = 1.0 / MASS_RATIOS[name]
        rel_p, rel_v = elements_to_state(*elements[:6], mu=G * (inner_mass + mass))
        p, v = inner_pos + rel_p, inner_vel + rel_v
        if name == "Earth" and moons:
            m_moon = mass / (1.0 + EARTH_MOON_MASS_RATIO)
            m_earth = mass - m_moon
            moon_p, moon_v = elements_to_state(*MOON_ELEMENTS, mu=G * mass)
            names += ["Earth", "Moon"]
            masses += [m_earth, m_moon]
            pos += [p - m_moon / mass * moon_p, p + m_earth / mass * moon_p]
            vel += [v - m_moon / mass * moon_v, v + m_earth / mass * moon_v]
        else:
            names.append(name)
            masses.append(mass)
            pos.append(p)
            vel.append(v)
        total = inner_mass + mass
        inner_pos = (inner_mass * inner_pos + mass * p) / total
        inner_vel = (inner_mass * inner_vel + mass * v) / total
        inner_mass = total
    masses, pos, vel = np.array(masses), np.array(pos), np.array(vel)
    pos -= (masses[:, None] * pos).sum(0) / masses.sum()
    vel -= (masses[:, None] * vel).sum(0) / masses.sum()
    return names, masses, pos, vel


def gravity(pos: np.ndarray, masses: np.ndarray) -> np.ndarray:
    """Newtonian accelerations, shape (n, 3), of bodies at ``pos`` (n, 3)."""
    d = pos[None, :, :] - pos[:, None, :]  # d[i, j] = x_j - x_i
    r2 = (d**2).sum(-1)
    np.fill_diagonal(r2, 1.0)
    inv_r3 = r2**-1.5
    np.fill_diagonal(inv_r3, 0.0)
    return G * np.einsum("ij,ijk->ik", inv_r3 * masses[None, :], d)


# Yoshida (1990) fourth-order coefficients.
_W1 = 1.0 / (2.0 - 2.0 ** (1.0 / 3.0))
_W0 = 1.0 - 2.0 * _W1
_DRIFTS = (_W1 / 2, (_W0 + _W1) / 2, (_W0 + _W1) / 2, _W1 / 2)
_KICKS = (_W1, _W0, _W1)


def integrate_solar_system(
    years: float = 30.0, dt: float = 0.5, every: int = 1, moons: bool = False
) -> dict:
    """Integrate from J2000 and keep every ``every``-th step.

    Parameters
    ----------
    years : float
        Span in Julian years.
    dt : float
        Step in days.
    every : int
        Output stride in steps.
    moons : bool
        Include the Moon.

    Returns
    -------
    dict
        ``names`` (n,), ``masses`` (n,), ``t`` (n_out,) days since J2000, ``pos``, ``vel``,
        ``acc`` (n_out, n, 3).
    """
    if not dt > 0:
        raise ValueError(f"dt: expected a positive step in days, got {dt}")
    if every < 1:
        raise ValueError(f"every: expected a positive integer, got {every}")
    names, masses, pos, vel = initial_state(moons)
    n_steps = int(round(years * 365.25 / dt))
    n_out = n_steps // every + 1
    out = {k: np.empty((n_out, len(names), 3)) for k in ("pos", "vel", "acc")}
    acc = gravity(pos, masses)
    for step in range(n_steps + 1):
        if step % every == 0:
            k = step // every
            out["pos"][k], out["vel"][k], out["acc"][k] = pos, vel, acc
        if step == n_steps:
            break
        for drift, kick in zip(_DRIFTS[:3], _KICKS, strict=True):
            pos = pos + drift * dt * vel
            acc = gravity(pos, masses)
            vel = vel + kick * dt * acc
        pos = pos + _DRIFTS[3] * dt * vel
        acc = gravity(pos, masses)
    out.update(names=names, masses=masses, t=np.arange(n_out) * every * dt)
    return out


def solar_system(
    years: float = 30.0, dt: float = 0.5, every: int = 1, moons: bool = False,
    include_mass: bool = False,
) -> NBodyData:
    """The integrated solar system in the data contract.

    Features ``x, y, z, vx, vy, vz`` (plus ``m`` with ``include_mass``); targets the
    accelerations; ``true_force`` the pairwise gravitational forces; ``body_id`` 0..n-1 in the
    order Sun, Mercury, ..., Neptune (the Moon after the Earth), for learnable masses.
    """
    run = integrate_solar_system(years, dt, every, moons)
    masses = run["masses"]
    nodes = [run["pos"], run["vel"]]
    names = ["x", "y", "z", "vx", "vy", "vz"]
    if include_mass:
        nodes.append(np.broadcast_to(masses[None, :, None], run["pos"].shape[:2] + (1,)))
        names.append("m")
    senders, receivers = full_edge_index(len(masses))
    d = run["pos"][:, senders] - run["pos"][:, receivers]
    r = np.linalg.norm(d, axis=-1, keepdims=True)
    force = G * (masses[senders] * masses[receivers])[None, :, None] * d / r**3
    return NBodyData(
        nodes=np.concatenate(nodes, axis=-1),
        targets=run["acc"],
        feature_names=tuple(names),
        true_force=force,
        body_id=np.arange(len(masses)),
    )


def _rot_z(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def _rot_x(angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
