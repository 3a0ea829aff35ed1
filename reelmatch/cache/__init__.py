"""The cache interface with its in-process and Redis backends, single-flight and rate limiting."""
