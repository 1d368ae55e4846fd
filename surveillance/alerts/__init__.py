"""Risk warnings: levels, routing to agencies, digests, delivery."""
