"""distill: turn trained neural networks into equations a scientist can read."""

__version__ = "0.1.0"

__all__ = ["SymbolicRegressor", "__version__"]


def __getattr__(name):
    if name == "SymbolicRegressor":
        from distill.search.regressor import SymbolicRegressor

        return SymbolicRegressor
    raise AttributeError(f"module 'distill' has no attribute {name!r}")
