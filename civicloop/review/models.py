"""Review models arrive with the review stage (reviews, packets, decisions)."""
