"""Numerical methods, faithful to R's surveillance package and the literature: arrays in, arrays out."""
