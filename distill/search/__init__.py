"""Genetic-programming symbolic regression (PySR's algorithm) and its estimator."""

from distill.search.options import Options
from distill.search.regressor import SymbolicRegressor
from distill.search.search import equation_search

__all__ = ["Options", "SymbolicRegressor", "equation_search"]
