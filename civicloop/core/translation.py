"""Registers the translated fields (`civicloop.core.translated`) with django-modeltranslation,
which finds this module by its name when the apps are ready."""

from __future__ import annotations

from django.apps import apps
from modeltranslation.translator import TranslationOptions, translator

from civicloop.core.translated import TRANSLATED_FIELDS

for label, names in TRANSLATED_FIELDS.items():
    options = type(f"{label.split('.')[1]}Translations", (TranslationOptions,), {"fields": names})
    translator.register(apps.get_model(label), options)
