"""Custom NLU components for Vietnamese."""
