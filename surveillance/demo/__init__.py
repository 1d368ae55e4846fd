"""Deterministic demo data: three years of injury, inspection and food files with injected events."""
