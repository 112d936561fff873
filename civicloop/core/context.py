from __future__ import annotations

from civicloop import __version__


def site(request) -> dict:
    """What every page's frame needs."""
    return {"civicloop_version": __version__}
