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


def serve(host: str, port: int, workers: int = 2) -> None:
    _Gunicorn(
        {
            "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
            "workers": workers,
            "worker_class": "gthread",
            "threads": 4,
            "accesslog": "-",
            "loglevel": "warning",
            "timeout": 60,
            "preload_app": True,
        }
    ).run()
