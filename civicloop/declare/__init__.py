"""Declare: publishing what the chair approved — public pages, reports, open data, alerts."""
