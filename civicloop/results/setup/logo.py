"""A collaborative's logo: checked, re-encoded and kept in the workspace; served safely.

An uploaded image is untrusted bytes that will be shown on every page. So it is bounded
(size in bytes and in pixels, checked before decoding the whole image), only PNG, JPEG
and WebP are accepted (never SVG, which can carry script), and what is stored is not the
upload but a fresh PNG drawn from its pixels, so nothing hidden in the file survives.
It is served by civicloop with its own content type, ``nosniff`` and a sandboxing
Content-Security-Policy, to whoever may see the collaborative.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from civicloop.results.models import Collaborative

MAX_BYTES = 1024 * 1024
MAX_PIXELS = 4000 * 4000
KEPT_SIZE = (512, 512)
FORMATS = {"PNG", "JPEG", "WEBP"}


def check_logo(upload) -> bytes:
    """The PNG to store for an uploaded file, or ValidationError saying what is wrong."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The logo is %(size)s KB; at most %(most)s KB.")
            % {"size": f"{upload.size / 1024:,.0f}", "most": f"{MAX_BYTES // 1024:,}"}
        )
    data = upload.read(MAX_BYTES + 1)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise ValidationError(_("A logo is a PNG, JPEG or WebP image."))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("The logo is %(width)sx%(height)s pixels; it is too large.")
                    % {"width": width, "height": height}
                )
            image.load()
            image = image.convert("RGBA")
            image.thumbnail(KEPT_SIZE)
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError(_("This file is not an image civicloop can read.")) from None
    return out.getvalue()


def store_logo(collab: Collaborative, png: bytes) -> None:
    """Write the PNG into the workspace and point the collaborative at it."""
    folder = settings.WORKSPACE.media_dir / "logos"
    folder.mkdir(parents=True, exist_ok=True)
    # The content hash in the name lets browsers cache a logo until it changes.
    name = f"{collab.pk}-{hashlib.sha256(png).hexdigest()[:16]}.png"
    (folder / name).write_bytes(png)
    old = collab.logo
    collab.logo = f"logos/{name}"
    collab.save(update_fields=["logo"])
    if old and old != collab.logo:
        _remove(old)


def remove_logo(collab: Collaborative) -> None:
    if collab.logo:
        _remove(collab.logo)
        collab.logo = ""
        collab.save(update_fields=["logo"])


def _remove(relative: str) -> None:
    path = _path(relative)
    if path is not None:
        path.unlink(missing_ok=True)


def _path(relative: str) -> Path | None:
    """The file inside the media folder, never outside it, whatever the field holds."""
    media = settings.WORKSPACE.media_dir.resolve()
    path = (media / relative).resolve()
    return path if path.is_relative_to(media) else None


def logo_response(collab: Collaborative) -> FileResponse:
    path = _path(collab.logo) if collab.logo else None
    if path is None or not path.is_file():
        raise Http404("No logo")
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = 'inline; filename="logo.png"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


def logo(request, slug: str):
    """The logo, to whoever may see the collaborative (the public: a public one only)."""
    from civicloop.core import access

    collab = Collaborative.objects.filter(slug=slug).first()
    if collab is None or not access.visible_collaboratives(request.user).filter(pk=collab.pk):
        raise Http404("No such collaborative")
    return logo_response(collab)
