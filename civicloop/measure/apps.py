from django.apps import AppConfig


class MeasureConfig(AppConfig):
    name = "civicloop.measure"
    label = "measure"
    default_auto_field = "django.db.models.BigAutoField"
