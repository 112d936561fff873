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
    # What the public site says of a collaborative and its network, and the labels of a
    # breakdown ("Race/ethnicity: Black"). Place names and the collaborative's own name are
    # proper names, written once.
    "results.Collaborative": ("description",),
    "results.Network": ("description",),
    "results.Dimension": ("name",),
    "results.Group": ("name",),
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


def original(obj, field: str) -> str:
    """`field` of `obj` as first written (the default language's), whatever language is
    active: for names that identify a thing to files and machines (a load's group column,
    an Open SDG key), which must not change with the reader's language."""
    return getattr(obj, f"{field}_{DEFAULT_LANGUAGE}", None) or getattr(obj, field)


def spellings(obj, field: str) -> list[str]:
    """Every language's value of `field` of `obj` that is set: a file may name a group in
    either language."""
    names = [f"{field}_{code}" for code in (DEFAULT_LANGUAGE, *OTHER_LANGUAGES)]
    found = [getattr(obj, name, None) for name in names]
    return [v for v in dict.fromkeys([*found, getattr(obj, field)]) if v]


def twins(label: str, fields: list[str] | tuple[str, ...]) -> list[str]:
    """The other-language twins (``title_es``...) of those of `fields` that are translated."""
    translated = TRANSLATED_FIELDS.get(label, ())
    return [f"{name}_{code}" for name in fields if name in translated for code in OTHER_LANGUAGES]
