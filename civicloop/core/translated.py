"""Which fields of the content people write are kept in every language, said once.

The interface is translated by the catalog (civicloop/locale); what a collaborative writes
itself (a result's title, an indicator's definition, a declaration's words) is translated
by its people, field by field. django-modeltranslation keeps each listed field once per
language beside the original (``title_en``, ``title_es``) and reads the page's language,
falling back to the other when a value is missing. We chose it over django-parler because
it adds columns to the same table instead of a translations table to join: every existing
query, ordering and ``values()`` keeps working, with no extra query per page.

This dictionary is the one place a field becomes translatable. To add one (say a Turn the
Curve field), add its name to its model's tuple here, then
``python -m django makemigrations <app>``: `core/translation.py` registers it, the set-up
forms show its Spanish twin, and the configuration file carries it (``story_es``).
Pure data, so the configuration's shape can read it before Django's apps are ready.
"""

from __future__ import annotations

TRANSLATED_FIELDS: dict[str, tuple[str, ...]] = {
    "results.Result": ("title", "statement", "population"),
    "results.Indicator": ("name", "definition", "unit"),
    "table.Strategy": ("name", "hypothesis"),
    "declare.Declaration": ("text",),
    "review.CurveConversation": (
        "how_are_we_doing",
        "story",
        "partners_roles",
        "what_works",
        "action_plan",
    ),
}

DEFAULT_LANGUAGE = "en"
OTHER_LANGUAGES = ("es",)  # settings.LANGUAGES without the default


def twins(label: str, fields: list[str] | tuple[str, ...]) -> list[str]:
    """The other-language twins (``title_es``...) of those of `fields` that are translated."""
    translated = TRANSLATED_FIELDS.get(label, ())
    return [f"{name}_{code}" for name in fields if name in translated for code in OTHER_LANGUAGES]
