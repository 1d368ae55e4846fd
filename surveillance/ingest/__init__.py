"""Ingest: read landed files, normalise them to the data contract, validate, load, account."""
