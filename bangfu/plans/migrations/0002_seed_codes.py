from django.db import migrations

from bangfu.core.codes import seed_codes


def seed(apps, schema_editor):
    seed_codes(apps, schema_editor, ["plan_measure"])


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial"), ("core", "0002_code_lists")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
