from django.apps import AppConfig


class LearnConfig(AppConfig):
    """The Django side of learn: stores what the engine computed. The engine has no Django."""

    name = "civicloop.learn"
    label = "learn"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The engine's sentences (learn.words) speak the page's language through Django's
        # catalog; the engine itself still imports no Django.
        from django.utils.translation import gettext, ngettext

        from civicloop.learn import words

        words.use_translations(gettext, ngettext)
