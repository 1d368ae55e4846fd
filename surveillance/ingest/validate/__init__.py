"""Validation: the sources' Great Expectations suites (built here, kept in expectations/), run on every
chunk; and the batch-level quality warnings."""
