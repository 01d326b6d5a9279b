"""Recording what flows inside a trained model: messages, edge contributions and named activations."""

from distill.record.activations import record_activations
from distill.record.alignment import force_alignment, significant_components
from distill.record.contributions import record_contributions
from distill.record.messages import record_messages

__all__ = ["force_alignment", "record_activations", "record_contributions", "record_messages",
           "significant_components"]
