"""Declare's test fixtures: the local SMTP server and webhook receiver of the alert tests."""

from civicloop.declare.tests.receivers import smtp_server, webhook_receiver  # noqa: F401
