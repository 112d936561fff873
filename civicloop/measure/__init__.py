"""Measure: getting data in — loads, sources, and indicators computed from raw records."""
