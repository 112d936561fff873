"""Local receivers for alert tests: an SMTP server (aiosmtpd) and an HTTP webhook receiver
that checks each body's signature, both on free loopback ports, in threads."""

from __future__ import annotations

import json
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from civicloop.core.tests.browser import free_port
from civicloop.declare.alerts import SIGNATURE_HEADER, verify


class Mailbox(list):
    """Messages the SMTP server accepted, as `email.message.Message`s."""

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        message = message_from_bytes(envelope.content)
        message["X-Rcpt"] = ", ".join(envelope.rcpt_tos)
        self.append(message)
        return "250 OK"


@pytest.fixture
def smtp_server(monkeypatch):
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CIVICLOOP_SMTP_URL", f"smtp://127.0.0.1:{port}?from=alerts@civicloop.test")
    yield mailbox
    controller.stop()


class Hooks:
    """What the webhook receiver got: (headers, parsed body, signature valid?) per POST."""

    def __init__(self):
        self.received: list[tuple[dict, dict, bool]] = []
        self.secrets: list[str] = []  # the subscriptions' secrets it knows
        self.fail_next = 0  # answer 500 to this many POSTs first

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@pytest.fixture
def webhook_receiver(local_servers_allowed):
    hooks = Hooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if hooks.fail_next:
                hooks.fail_next -= 1
                self.send_response(500)
                self.end_headers()
                return
            signature = self.headers.get(SIGNATURE_HEADER, "")
            valid = any(verify(secret, body, signature) for secret in hooks.secrets)
            hooks.received.append((dict(self.headers), json.loads(body), valid))
            self.send_response(204 if valid else 401)
            self.end_headers()

        def log_message(self, *args):  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hooks.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield hooks
    server.shutdown()
    server.server_close()
