from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0002_revision_previous_state"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="computation",
            field=models.JSONField(
                blank=True,
                help_text="How to compute it from raw records (see civicloop.measure.compute).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="progress_options",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Open SDG progress_calculation_options: a list of {direction, target, ...}.",
            ),
        ),
    ]
