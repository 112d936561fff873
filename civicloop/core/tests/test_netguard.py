"""civicloop calls only public http(s) hosts: connectors and webhooks cannot be pointed at
the server's files or its own network, neither when saved nor when called."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from civicloop.core import netguard
from civicloop.core.tests.people import login
from civicloop.declare import alerts
from civicloop.declare.models import Alert, Subscription
from civicloop.measure.connectors import FetchError, Http, RetryPolicy, connector_for
from civicloop.measure.connectors.http import NetworkError
from civicloop.measure.models import Source

INTERNAL = [
    "http://127.0.0.1/hook",
    "http://localhost:8000/hook",
    "http://[::1]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.7/",
    "http://192.168.1.1/",
    "http://0.0.0.0/",
    "http://[::ffff:127.0.0.1]/",
    "http://224.0.0.1/",
]
NOT_HTTP = ["file:///etc/passwd", "ftp://example.org/a.csv", "gopher://example.org/"]


@pytest.mark.parametrize("url", INTERNAL + NOT_HTTP)
def test_internal_and_non_web_addresses_are_refused(url):
    with pytest.raises(netguard.UnsafeURL):
        netguard.check_url(url)


def test_a_public_address_is_fine():
    netguard.check_url("https://93.184.215.14/data.csv")  # a literal: no DNS needed


def test_a_name_that_resolves_inward_is_refused(monkeypatch):
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", 80))],
    )
    with pytest.raises(netguard.UnsafeURL, match="internal"):
        netguard.check_url("https://portal.example.org/")


def test_a_deployment_allows_its_own_internal_host(settings):
    settings.CIVICLOOP_ALLOWED_INTERNAL_HOSTS = ["10.0.0.0/8", "intranet.local"]
    netguard.check_url("http://10.0.0.7/")
    with pytest.raises(netguard.UnsafeURL):
        netguard.check_url("http://127.0.0.1/")


@pytest.mark.django_db
@pytest.mark.parametrize("url", INTERNAL + ["javascript:alert(1)"])
def test_a_webhook_to_the_servers_own_network_is_refused_by_the_model(riverton, url):
    sub = Subscription(collaborative=riverton, name="x", webhook_url=url)
    with pytest.raises(ValidationError) as caught:
        sub.full_clean()
    assert "webhook_url" in caught.value.message_dict


@pytest.mark.django_db
def test_the_api_refuses_an_internal_webhook(client, alice):
    login(client, alice)
    answer = client.post(
        "/api/collaboratives/riverton/subscriptions",
        data=json.dumps({"name": "meta", "webhook_url": "http://169.254.169.254/latest/"}),
        content_type="application/json",
    )
    assert answer.status_code == 422
    assert not Subscription.objects.filter(name="meta").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind, settings",
    [
        ("url", {"url": "file:///etc/passwd"}),
        ("url", {"url": "http://127.0.0.1:5432/"}),
        ("socrata", {"base_url": "http://169.254.169.254", "dataset": "abcd-1234"}),
        ("ckan", {"base_url": "http://[::1]:8080"}),
    ],
)
def test_a_connector_source_to_a_file_or_internal_host_is_refused(riverton, kind, settings):
    source = Source(collaborative=riverton, name="x", kind=kind, settings=settings)
    with pytest.raises(ValidationError) as caught:
        source.full_clean()
    assert "settings" in caught.value.message_dict


@pytest.mark.django_db
def test_a_connector_never_reads_a_server_file_even_if_saved(riverton, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("indicator,area,period,value\nx,y,2020,1\n")
    source = Source.objects.create(
        collaborative=riverton, name="sneaky", kind="url", settings={"url": secret.as_uri()}
    )
    with pytest.raises((FetchError, NetworkError), match="refused"):
        connector_for(source).run(source, Http(RetryPolicy(attempts=1)))


@pytest.fixture
def redirector():
    """A local server that redirects every request to the cloud metadata address."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/data.csv"
    server.shutdown()
    server.server_close()


def test_a_redirect_inward_is_refused(redirector, local_servers_allowed):
    with pytest.raises(NetworkError, match="internal"):
        Http(RetryPolicy(attempts=3), sleep=lambda s: None).get(redirector)


def test_dns_rebinding_is_refused_when_connecting(redirector, monkeypatch):
    """The name was public when checked; when connecting it points inward: refused there,
    because the connection goes to the very address that was checked."""
    answers = iter(["93.184.215.14", "127.0.0.1"])
    port = int(redirector.rsplit(":", 1)[1].split("/")[0])
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))],
    )
    with pytest.raises(NetworkError, match="internal"):
        Http(RetryPolicy(attempts=1)).get(f"http://rebind.example.org:{port}/data.csv")


@pytest.mark.django_db
def test_a_webhook_saved_before_the_check_is_not_called(riverton):
    sub = Subscription.objects.create(
        collaborative=riverton, name="old", webhook_url="http://169.254.169.254/hook"
    )
    alert = Alert.objects.create(
        subscription=sub, kind="commitment", key="k", subject="s", body="b"
    )
    with pytest.raises(RuntimeError, match="refused"):
        alerts.send_webhook(alert)
