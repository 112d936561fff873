from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "civicloop.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from civicloop.core import audit, cache

        audit.track()
        # Cached fragments are keyed on a stamp every change of the data replaces.
        cache.connect()
