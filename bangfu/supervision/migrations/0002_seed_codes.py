from django.db import migrations

from bangfu.core.codes import seed_codes


def seed(apps, schema_editor):
    seed_codes(apps, schema_editor, ["finding_category"])


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial"), ("core", "0005_code_unit")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
