"""The REST API: one NinjaAPI; each stage adds its own router (OpenAPI at /api/docs).

Reads answer with what the caller may see (the public sees only what is declared);
endpoints that change things use ``auth=django_auth``, which also checks CSRF.
"""

from __future__ import annotations

import importlib

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from ninja import NinjaAPI

from civicloop import __version__

api = NinjaAPI(title="civicloop", version=__version__, urls_namespace="api")


@api.exception_handler(ValidationError)
def model_refused(request, exc: ValidationError):
    """A model's own validation (``full_clean``) refused the write: 422 with the reasons, the
    same rules a form applies, so no path stores what the form would refuse."""
    if hasattr(exc, "error_dict"):
        reasons = [
            message if field == NON_FIELD_ERRORS else f"{field}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        reasons = list(exc.messages)
    return api.create_response(request, {"detail": "; ".join(reasons)}, status=422)


# Each stage's router, registered here in one place, in the order of the loop.
for stage in ("results", "measure", "table", "learn", "review", "declare"):
    try:
        module = importlib.import_module(f"civicloop.{stage}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"civicloop.{stage}.api":
            raise
        continue
    api.add_router("/", module.router)
