"""The REST API: one NinjaAPI, each stage adds its own router here (OpenAPI at /api/docs).

Reads answer with what the caller may see (the public sees only what is declared);
endpoints that change things use ``auth=django_auth``, which also checks CSRF.
"""

from __future__ import annotations

from ninja import NinjaAPI

from civicloop import __version__
from civicloop.results.api import router as results_router

api = NinjaAPI(title="civicloop", version=__version__, urls_namespace="api")
api.add_router("/", results_router)
