"""Stored learn results arrive with the learn stage's Django side."""
