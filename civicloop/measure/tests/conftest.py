"""Measure's test fixtures: the local SMTP server the reminder tests send to."""

from civicloop.declare.tests.receivers import smtp_server  # noqa: F401
