"""Recording what flows inside a trained model: messages, edge contributions and named activations."""

from distill.record.activations import record_activations
from distill.record.contributions import record_contributions
from distill.record.messages import record_messages

__all__ = ["record_activations", "record_contributions", "record_messages"]
