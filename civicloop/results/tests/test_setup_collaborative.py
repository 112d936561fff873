"""The collaborative's profile, logo and public site, set up by alice, its backbone admin."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from civicloop.core.tests.people import login
from civicloop.results.models import Collaborative, Indicator
from civicloop.results.setup import logo as logo_module

pytestmark = pytest.mark.django_db

URL = "/c/riverton/setup/collaborative/"


def image(kind: str = "PNG", size=(40, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 92, 173)).save(out, format=kind)
    return out.getvalue()


def profile(riverton, **extra) -> dict:
    public = Indicator.objects.filter(result__collaborative=riverton, is_public=True)
    data = {
        "name": riverton.name,
        "city": riverton.city,
        "description": riverton.description,
        "is_public": "on" if riverton.is_public else "",
        "public_indicators": [i.pk for i in public],
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v != ""}


def test_alice_renames_the_collaborative_and_chooses_what_is_public(client, alice, riverton):
    login(client, alice)
    hidden = Indicator.objects.get(result__collaborative=riverton, slug="small-business-loans")
    shown = list(Indicator.objects.filter(result__collaborative=riverton, is_public=True))
    response = client.post(
        URL,
        profile(
            riverton,
            name="Riverton Promise",
            public_indicators=[hidden.pk] + [i.pk for i in shown[1:]],
        ),
    )
    assert response.status_code == 302
    riverton.refresh_from_db()
    assert riverton.name == "Riverton Promise"
    hidden.refresh_from_db()
    shown[0].refresh_from_db()
    assert hidden.is_public and not shown[0].is_public


def test_a_name_is_required(client, alice, riverton):
    login(client, alice)
    response = client.post(URL, profile(riverton, name=""))
    assert response.status_code == 200
    assert 'href="#id_name"' in response.content.decode()


@pytest.mark.parametrize("kind", ["PNG", "JPEG", "WEBP"])
def test_a_logo_is_re_encoded_as_png_and_served_with_a_sandbox(client, alice, riverton, kind):
    login(client, alice)
    upload = SimpleUploadedFile(f"logo.{kind.lower()}", image(kind, (1200, 600)))
    assert client.post(URL, {**profile(riverton), "logo_file": upload}).status_code == 302
    riverton.refresh_from_db()
    assert riverton.logo.startswith("logos/") and riverton.logo.endswith(".png")
    response = client.get("/c/riverton/logo.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    served = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert served.format == "PNG" and max(served.size) <= 512


def test_an_svg_or_a_disguised_file_is_not_a_logo(client, alice, riverton):
    login(client, alice)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for name, content in [("logo.svg", svg), ("logo.png", b"<html>not an image</html>")]:
        upload = SimpleUploadedFile(name, content)
        response = client.post(URL, {**profile(riverton), "logo_file": upload})
        assert response.status_code == 200
        assert "not an image civicloop can read" in response.content.decode()
    assert Collaborative.objects.get(pk=riverton.pk).logo == ""


def test_a_gif_is_refused_by_type(client, alice, riverton):
    login(client, alice)
    upload = SimpleUploadedFile("logo.gif", image("GIF"))
    response = client.post(URL, {**profile(riverton), "logo_file": upload})
    assert "A logo is a PNG, JPEG or WebP image." in response.content.decode()


def test_a_logo_too_large_is_refused(client, alice, riverton, monkeypatch):
    monkeypatch.setattr(logo_module, "MAX_BYTES", 100)
    login(client, alice)
    upload = SimpleUploadedFile("logo.png", image("PNG", (300, 300)))
    response = client.post(URL, {**profile(riverton), "logo_file": upload})
    assert "at most" in response.content.decode()
    assert Collaborative.objects.get(pk=riverton.pk).logo == ""


def test_the_logo_can_be_removed(client, alice, riverton):
    login(client, alice)
    upload = SimpleUploadedFile("logo.png", image())
    client.post(URL, {**profile(riverton), "logo_file": upload})
    client.post(URL, {**profile(riverton), "remove_logo": "on"})
    assert Collaborative.objects.get(pk=riverton.pk).logo == ""
    assert client.get("/c/riverton/logo.png").status_code == 404


def test_a_private_collaborative_keeps_its_logo_from_the_public(client, alice, riverton):
    login(client, alice)
    upload = SimpleUploadedFile("logo.png", image())
    client.post(URL, {**profile(riverton, is_public=""), "logo_file": upload})
    client.logout()
    assert client.get("/c/riverton/logo.png").status_code == 404


def test_a_stored_path_outside_the_media_folder_is_never_served(client, riverton):
    Collaborative.objects.filter(pk=riverton.pk).update(logo="../secret_key", is_public=True)
    assert client.get("/c/riverton/logo.png").status_code == 404
