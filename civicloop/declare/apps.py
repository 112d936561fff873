from django.apps import AppConfig


class DeclareConfig(AppConfig):
    name = "civicloop.declare"
    label = "declare"
    default_auto_field = "django.db.models.BigAutoField"
