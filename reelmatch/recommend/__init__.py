"""Recommendation engines behind one interface, and the evaluation harness."""
