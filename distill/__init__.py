"""distill: turn trained neural networks into equations a scientist can read."""

__version__ = "0.1.0"
