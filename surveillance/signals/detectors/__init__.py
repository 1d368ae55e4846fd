"""The nightly detectors: each reads the warehouse for one day and returns its signals and figures."""
