import numpy as np

from surveillance.signals.methods.fdr import benjamini_hochberg, bh_adjusted


def test_adjusted_p_values_by_hand() -> None:
    # m = 4: p * m / rank = 0.04, 0.06, 0.0533, 0.8; then the running minimum from the largest rank down
    adjusted = bh_adjusted(np.array([0.01, 0.03, 0.04, 0.8]))
    np.testing.assert_allclose(adjusted, [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.8])


def test_a_discovery_at_q_is_an_adjusted_p_value_at_most_q() -> None:
    rng = np.random.default_rng(3)
    for _ in range(200):
        p = np.where(rng.random(40) < 0.1, np.nan, rng.beta(0.3, 1.0, 40))
        adjusted = bh_adjusted(p)
        assert np.isnan(adjusted).tolist() == np.isnan(p).tolist()
        for q in (0.01, 0.05, 0.1, 0.3):
            np.testing.assert_array_equal(benjamini_hochberg(p, q), np.nan_to_num(adjusted, nan=2.0) <= q)
