"""Genetic-programming symbolic regression (PySR's algorithm) and its estimator.

The estimator is imported lazily so that worker processes, which need only the search,
do not import scikit-learn and pandas.
"""

from distill.search.loss import Dataset
from distill.search.options import Options
from distill.search.search import SearchState, equation_search

__all__ = ["Dataset", "Options", "SearchState", "SymbolicRegressor", "equation_search"]


def __getattr__(name):
    if name == "SymbolicRegressor":
        from distill.search.regressor import SymbolicRegressor

        return SymbolicRegressor
    raise AttributeError(f"module 'distill.search' has no attribute {name!r}")
