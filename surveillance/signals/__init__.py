"""Signal detection: temporal detectors on count series and product-safety rules per domain."""
