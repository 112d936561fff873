"""Runs the WSGI app under gunicorn from inside the ``civicloop`` process."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from civicloop.core.wsgi import application

        return application


def options(host: str, port: int, workers: int = 2) -> dict:
    """gunicorn's settings, with the bounds a public server needs."""
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "accesslog": "-",
        "loglevel": "warning",
        # A worker silent this long is restarted; a request itself is bounded by the
        # deadline middleware (civicloop.core.deadline), since a thread cannot be killed.
        "timeout": 60,
        "graceful_timeout": 30,
        "keepalive": 5,
        # Request line and headers: small and few (gunicorn answers 400 beyond them).
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "limit_request_field_size": 8190,
        # Recycle workers now and then so no slow leak grows without bound; not often: a
        # new worker starts with empty caches (pages, data), so at a few hundred requests a
        # second 5,000 emptied them every ten seconds or so.
        "max_requests": 50_000,
        "max_requests_jitter": 5_000,
        "preload_app": True,
    }


def serve(host: str, port: int, workers: int = 2) -> None:
    _Gunicorn(options(host, port, workers)).run()
