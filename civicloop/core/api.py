"""The REST API: one NinjaAPI; each stage adds its own router (OpenAPI at /api/docs).

Reads answer with what the caller may see (the public sees only what is declared);
endpoints that change things use ``auth=django_auth``, which also checks CSRF.
"""

from __future__ import annotations

import importlib

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as RequestInvalid

from civicloop import __version__

api = NinjaAPI(title="civicloop", version=__version__, urls_namespace="api")


# Every refusal (422) has one shape, the one the OpenAPI documents as ``Refused``:
# ``{"detail": "one line", "reasons": ["...", ...]}``, whichever layer refused.


def refused(request, reasons: list[str], **extra):
    return api.create_response(
        request, {"detail": "; ".join(reasons), "reasons": reasons, **extra}, status=422
    )


@api.exception_handler(ValidationError)
def model_refused(request, exc: ValidationError):
    """A model's own validation (``full_clean``) refused the write: the same rules a form
    applies, so no path stores what the form would refuse."""
    if hasattr(exc, "error_dict"):
        reasons = [
            message if field == NON_FIELD_ERRORS else f"{field}: {message}"
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    else:
        reasons = list(exc.messages)
    return refused(request, reasons)


@api.exception_handler(RequestInvalid)
def request_refused(request, exc: RequestInvalid):
    """The request does not match the operation's parameters or body; ``errors`` keeps
    pydantic's located errors for programs."""
    reasons = [
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', '')}"
        for error in exc.errors
    ]
    return refused(request, reasons, errors=exc.errors)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    if exc.status_code == 422:
        return refused(request, [str(exc)])
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# Each stage's router, registered here in one place, in the order of the loop.
for stage in ("results", "measure", "table", "learn", "review", "declare"):
    try:
        module = importlib.import_module(f"civicloop.{stage}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"civicloop.{stage}.api":
            raise
        continue
    api.add_router("/", module.router)
