"""Declare models arrive with the declare stage (declarations, subscriptions, alerts)."""
