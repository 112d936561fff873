"""A web upload reads only what was uploaded, and leaves nothing behind but the archive."""

from __future__ import annotations

import json
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from civicloop.core.tests.people import login
from civicloop.measure.models import Load

pytestmark = pytest.mark.django_db
SECRET = b"indicator,area,period,value\nchild-poverty,riverton,2025,77.7\n"


def upload(client, content: bytes, name: str):
    return client.post(
        "/c/riverton/loads/new/", {"file": SimpleUploadedFile(name, content)}, follow=True
    )


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The server's temp folder, made private to this test so it can be watched."""
    folder = tmp_path / "server-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_data_package_cannot_read_other_files_in_the_temp_folder(client, erin, private_tmp):
    (private_tmp / "someone-elses.csv").write_bytes(SECRET)
    package = {"name": "p", "resources": [{"name": "r", "path": "someone-elses.csv"}]}
    login(client, erin)
    page = upload(client, json.dumps(package).encode(), "datapackage.json").content.decode()
    assert "77.7" not in page and "1 row" not in page
    assert "someone-elses.csv" in page  # named in the refusal
    assert not Load.objects.filter(original_name="datapackage.json").exists()


def test_a_data_package_with_its_data_inline_still_loads(client, erin, private_tmp):
    package = {
        "name": "p",
        "resources": [
            {
                "name": "r",
                "data": [
                    {
                        "indicator": "child-poverty",
                        "area": "riverton",
                        "period": "2025",
                        "value": "21.5",
                    }
                ],
            }
        ],
    }
    login(client, erin)
    page = upload(client, json.dumps(package).encode(), "datapackage.json").content.decode()
    assert "no problems" in page.lower() or "1 row" in page, page[:3000]


def test_an_upload_leaves_nothing_in_the_temp_folder(client, erin, private_tmp):
    login(client, erin)
    upload(client, SECRET, "partner.csv")
    upload(client, b"Ward,2024\nriverton,3\n", "wide.csv")  # goes to the mapping form
    assert list(private_tmp.iterdir()) == []


def test_a_too_large_upload_is_refused_before_it_is_read(client, erin, private_tmp, monkeypatch):
    from civicloop.measure import views

    monkeypatch.setattr(views, "MAX_UPLOAD", 1_000)
    login(client, erin)
    page = upload(client, SECRET * 100, "partner.csv").content.decode()
    assert "command line" in page
    assert not Load.objects.filter(original_name="partner.csv").exists()
