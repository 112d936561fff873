"""Which language a page speaks, chosen in one place for the working app and the public site.

The two parts want different rules. The public site must have a stable address per language,
so that a link, a search engine or a static copy always shows the same words: its English
pages live at /public/..., its Spanish twins at /es/public/... (the static build writes the
same layout, Spanish under es/), and neither a cookie nor the browser changes them. The
working app is used by signed-in people who pick a language once: the switcher (Django's
`set_language`, a POST with its CSRF token) stores it in a cookie, and before that the
browser's Accept-Language decides. So the working app's addresses stay as they are. The
API answers machines, in English whoever asks.

Django's own LocaleMiddleware cannot do both: once any `i18n_patterns` exist it sends every
unprefixed address to the default language, which would undo the working app's cookie.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

PUBLIC = "/public/"
API = "/api/"


def public_prefix(language: str) -> str:
    """The address prefix of the public site in `language` ("/public/", "/es/public/")."""
    if language == settings.LANGUAGE_CODE:
        return PUBLIC
    return f"/{language}{PUBLIC}"


def other_languages(language: str) -> list[tuple[str, str]]:
    """The languages other than `language`, as (code, name in that language)."""
    return [(code, name) for code, name in settings.LANGUAGES if code != language]


def language_of(user) -> str:
    """The language to write to `user` in (an email, a page): theirs, else the site's."""
    return _or_the_sites(getattr(user, "language", ""))


def _or_the_sites(chosen: str | None) -> str:
    return chosen if chosen and chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def languages_of(emails: Iterable[str]) -> dict[str, str]:
    """{email: the language to write to it in}: the language of the person with that address
    (the first who chose one, if several share it), else the site's."""
    from civicloop.core.models import User

    emails = list(emails)
    chosen: dict[str, str] = {}
    for email, language in (
        User.objects.filter(email__in=emails)
        .exclude(language="")
        .order_by("pk")
        .values_list("email", "language")
    ):
        chosen.setdefault(email, language)
    return {e: _or_the_sites(chosen.get(e)) for e in emails}


def by_language(emails: Iterable[str]) -> dict[str, list[str]]:
    """`emails` split by the language each reader reads (order kept), for one email per
    language instead of one email in a language some of its readers do not read."""
    out: dict[str, list[str]] = {}
    for email, language in languages_of(emails).items():
        out.setdefault(language, []).append(email)
    return out


def _signed_in_language(request) -> str:
    """The signed-in person's own language, or "" (read only when a session exists: the
    sign-in middleware runs later, and this read is the one it then reuses)."""
    from django.contrib.auth.middleware import get_user

    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    user = get_user(request)
    return getattr(user, "language", "") if user.is_authenticated else ""


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        language = None
        for code, _name in settings.LANGUAGES:
            prefix = public_prefix(code)
            if code != settings.LANGUAGE_CODE and path.startswith(prefix):
                # The Spanish public page is the English one's view, spoken in Spanish.
                request.path_info = path[len(code) + 1 :]
                language = code
                break
        public = request.path_info.startswith(PUBLIC)
        if language is None:
            # The public site without a prefix is English; the API is for machines: English.
            fixed = public or request.path_info.startswith(API)
            if fixed:
                language = settings.LANGUAGE_CODE
            elif settings.LANGUAGE_COOKIE_NAME in request.COOKIES:  # they switched
                language = translation.get_language_from_request(request)
            else:
                language = _signed_in_language(request) or (
                    translation.get_language_from_request(request)
                )
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if not public:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
