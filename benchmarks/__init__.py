"""adguide benchmarks: ``python -m benchmarks`` (``make bench``)."""
