from django.apps import AppConfig


class TableConfig(AppConfig):
    name = "civicloop.table"
    label = "table"
    default_auto_field = "django.db.models.BigAutoField"
