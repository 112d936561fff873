"""Which web addresses civicloop accepts, in one place: links it shows and hosts it calls.

Two promises, because an address is dangerous in two ways:

- A **link** shown to people (a commitment's evidence, an organisation's website) is
  ``http(s)://`` and nothing else, so a ``javascript:`` or ``data:`` link cannot run
  script in a viewer's browser. `web_link` is the model validator.
- A **host the server calls** (a connector's portal, a webhook) must also not be the
  server's own network: loopback, private, link-local (cloud metadata at
  169.254.169.254), reserved or multicast addresses are refused, so a partner cannot make
  civicloop read its neighbours. `fetchable_url` checks this when the address is saved;
  `opener` checks it again when connecting, on the very address it connects to, so a name
  that resolved to a public address when saved and to 127.0.0.1 now (DNS rebinding), or a
  redirect to an internal host, is refused too.

A deployment that must reach an internal host (a portal on the intranet) names it in
``CIVICLOOP_ALLOWED_INTERNAL_HOSTS`` (host names, addresses or networks, comma-separated).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.deconstruct import deconstructible

SCHEMES = ("http", "https")
_url_syntax = URLValidator(schemes=list(SCHEMES))

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeURL(ValueError):
    """An address civicloop will not call; the message says why, in one line."""


# --- links ----------------------------------------------------------------------------------


@deconstructible
class WebLink:
    """Model validator: an ``http://`` or ``https://`` address, nothing else."""

    message = "Enter a web address starting with http:// or https://."

    def __call__(self, value: str) -> None:
        if urlsplit(str(value)).scheme.lower() not in SCHEMES:
            raise ValidationError(self.message, code="scheme")
        _url_syntax(value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WebLink)


web_link = WebLink()


# --- hosts the server calls -----------------------------------------------------------------


def allowed_internal() -> tuple[set[str], list[ipaddress._BaseNetwork]]:
    """The host names and networks this deployment lets civicloop call although internal."""
    names: set[str] = set()
    networks: list[ipaddress._BaseNetwork] = []
    for entry in getattr(settings, "CIVICLOOP_ALLOWED_INTERNAL_HOSTS", ()) or ():
        entry = str(entry).strip().lower().strip("[]")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry)
    return names, networks


def is_internal(address: IPAddress) -> bool:
    """Anything that is not an ordinary public unicast address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_multicast
        or address.is_unspecified
        or not address.is_global
    )


def _host(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise UnsafeURL(
            f"only http:// and https:// addresses can be fetched, not {scheme or url!r}"
        )
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:  # a port that is not a number
        raise UnsafeURL(f"{url!r} is not a valid address ({exc})") from None
    if not host:
        raise UnsafeURL(f"{url!r} names no host")
    return host.lower().rstrip("."), port or (443 if scheme == "https" else 80)


def check_address(host: str, address: IPAddress) -> None:
    """Refuse ``address`` (which ``host`` resolved to) unless it is public or allowed."""
    if not is_internal(address):
        return
    names, networks = allowed_internal()
    if host in names or any(address in net for net in networks):
        return
    raise UnsafeURL(
        f"{host} is an internal address ({address}); civicloop calls only public hosts "
        "(a deployment can allow one with CIVICLOOP_ALLOWED_INTERNAL_HOSTS)"
    )


def resolve(host: str, port: int) -> list[tuple[int, IPAddress]]:
    """Every (family, address) ``host`` resolves to, each one checked."""
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    if literal is not None:
        check_address(host, literal)
        family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
        return [(family, literal)]
    if host == "localhost" or host.endswith(".localhost"):
        check_address(host, ipaddress.ip_address("127.0.0.1"))
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    found: list[tuple[int, IPAddress]] = []
    for family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        check_address(host, address)
        found.append((family, address))
    return found


def check_url(url: str, *, must_resolve: bool = True) -> None:
    """Raise `UnsafeURL` unless ``url`` is http(s) to a public (or allowed) host.

    ``must_resolve=False`` (when an address is saved) accepts a name that does not resolve
    now: it is checked again, and refused if it cannot be checked, when it is called.
    """
    host, port = _host(url)
    try:
        resolve(host, port)
    except OSError as exc:
        if must_resolve:
            raise UnsafeURL(f"could not resolve {host} ({exc})") from None


@deconstructible
class FetchableURL:
    """Model validator for an address the server itself will call."""

    def __call__(self, value: str) -> None:
        web_link(value)
        try:
            check_url(str(value), must_resolve=False)
        except UnsafeURL as exc:
            raise ValidationError(str(exc), code="internal") from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FetchableURL)


fetchable_url = FetchableURL()


# --- connecting -----------------------------------------------------------------------------


def _guarded_connection(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """`socket.create_connection` that connects only to an address it has just checked."""
    host, port = address
    error: OSError | None = None
    for family, ip in resolve(str(host).lower().rstrip("."), port):
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            if timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect((str(ip), port))
            return sock
        except OSError as exc:
            sock.close()
            error = exc
    raise error or OSError(f"{host} resolved to no address")


class _HTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _HTTPSConnection(http.client.HTTPSConnection):
    # TLS still verifies the certificate against the host name (server_hostname=self.host).
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _guarded_connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


def opener() -> urllib.request.OpenerDirector:
    """A urllib opener for http(s) only (no file:, ftp:, data:, no proxy from the
    environment), whose every connection, redirects included, goes to a checked address."""
    director = urllib.request.OpenerDirector()
    handlers: Iterable[urllib.request.BaseHandler] = (
        urllib.request.UnknownHandler(),
        _HTTPHandler(),
        _HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPRedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    )
    for handler in handlers:
        director.add_handler(handler)
    return director


def refused(exc: BaseException) -> UnsafeURL | None:
    """The `UnsafeURL` behind a urllib error, if that is why the call failed."""
    if isinstance(exc, UnsafeURL):
        return exc
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, UnsafeURL) else None


__all__ = [
    "UnsafeURL",
    "check_url",
    "fetchable_url",
    "opener",
    "refused",
    "web_link",
]
