from django.db import migrations

from bangfu.core.codes import seed_codes


def seed(apps, schema_editor):
    seed_codes(apps, schema_editor, ["doctor_package", "checkup_finding"])


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial"), ("core", "0002_code_lists")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
