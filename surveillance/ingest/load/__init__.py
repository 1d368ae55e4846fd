"""Loading: rows into the warehouse (inserted, corrected with the previous version kept, or counted as
duplicates), the writer that does it beside the reading, row hashes, and the quarantine."""
