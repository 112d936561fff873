"""Review: what a table needs at its meeting, and the decisions it records."""
