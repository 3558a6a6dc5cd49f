from django.db import migrations, models


def build_again(apps, schema_editor):
    """The rows stored so far lack the projects' figures: without a head, the next read
    builds every row from the records (``reports.rollups.catch_up``)."""
    apps.get_model("reports", "RollupHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_check_figures"),
        ("projects", "0002_seed_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="placemonth",
            name="projects",
            field=models.JSONField(default=dict),
        ),
        migrations.AddField(
            model_name="placestock",
            name="projects",
            field=models.JSONField(default=dict),
        ),
        migrations.RunPython(build_again, migrations.RunPython.noop),
    ]
