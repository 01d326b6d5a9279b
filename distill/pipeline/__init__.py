"""End-to-end distillation: from a trained model to re-optimised equations and a report."""

from distill.pipeline.explain import explain
from distill.pipeline.options import ExplainOptions

__all__ = ["ExplainOptions", "explain"]
