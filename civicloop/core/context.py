from __future__ import annotations

from django.utils import translation

from civicloop import __version__
from civicloop.core.language import other_languages


def site(request) -> dict:
    """What every page's frame needs: the version, and the language switcher's choices."""
    language = translation.get_language() or "en"
    return {
        "civicloop_version": __version__,
        "page_language": language,
        "other_languages": other_languages(language),
    }
