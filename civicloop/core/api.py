"""The REST API: one NinjaAPI; each stage adds its own router (OpenAPI at /api/docs).

Reads answer with what the caller may see (the public sees only what is declared);
endpoints that change things use ``auth=django_auth``, which also checks CSRF.
"""

from __future__ import annotations

import importlib

from ninja import NinjaAPI

from civicloop import __version__

api = NinjaAPI(title="civicloop", version=__version__, urls_namespace="api")

# Each stage's router, registered here in one place, in the order of the loop.
for stage in ("results", "measure", "table", "learn", "review", "declare"):
    try:
        module = importlib.import_module(f"civicloop.{stage}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"civicloop.{stage}.api":
            raise
        continue
    api.add_router("/", module.router)
