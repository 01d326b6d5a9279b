"""scikit-learn's estimator contract (``parametrize_with_checks``)."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from distill import SymbolicRegressor

SMALL = SymbolicRegressor(
    populations=2,
    population_size=10,
    ncycles_per_iteration=5,
    niterations=2,
    procs=0,
    random_state=0,
    verbosity=0,
    progress=False,
)


@parametrize_with_checks([SMALL])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)
