from django.apps import AppConfig


class LearnConfig(AppConfig):
    """The Django side of learn: stores what the engine computed. The engine has no Django."""

    name = "civicloop.learn"
    label = "learn"
    default_auto_field = "django.db.models.BigAutoField"
