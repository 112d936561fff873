"""Tests of indicator computation; plain pytest, no Django database."""
