"""Checks of a built public site that several tests share: links resolve, nothing external."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag

ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def broken_links(root: Path) -> list[str]:
    """Relative links and sources that point at no file of the site."""
    broken = []
    for page in pages(root):
        for attr, value in ATTRIBUTE.findall(page.read_text(encoding="utf-8")):
            target, _ = urldefrag(value)
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            if not (page.parent / target).resolve().is_file():
                broken.append(f"{page.relative_to(root)}: {attr}={value}")
    return broken


def external_resources(root: Path) -> list[str]:
    """Anything a page loads from elsewhere (a CDN): scripts, styles, images, frames."""
    found = []
    for page in pages(root):
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(
            r'<(script|img|iframe|link)\b[^>]*\b(src|href)="(https?:)?//', text
        ):
            found.append(f"{page.relative_to(root)}: {match.group(0)}")
    return found
