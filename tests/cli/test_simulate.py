"""``distill simulate`` end to end."""

import numpy as np

from distill.cli import main
from distill.simulate import load_data


def test_simulate_writes_a_valid_file(tmp_path, capsys):
    out = tmp_path / "spring.npz"
    code = main(
        ["simulate", "--law", "spring", "--dim", "2", "--bodies", "4", "--samples", "30",
         "--steps-per-sim", "10", "--out", str(out)]
    )
    assert code == 0
    data = load_data(out)
    assert data.nodes.shape == (30, 4, 6)
    assert data.targets.shape == (30, 4, 2)
    assert np.isfinite(data.true_force).all()
    assert "30 samples" in capsys.readouterr().out


def test_simulate_solar_system(tmp_path):
    out = tmp_path / "solar.npz"
    assert main(["simulate", "--solar-system", "--years", "0.05", "--every", "4",
                 "--out", str(out)]) == 0
    data = load_data(out)
    assert data.nodes.shape[1:] == (9, 6)
    assert data.feature_names == ("x", "y", "z", "vx", "vy", "vz")
    np.testing.assert_array_equal(data.body_id, np.arange(9))
