from django.db import migrations

from bangfu.core.codes import seed_codes


def seed(apps, schema_editor):
    seed_codes(apps, schema_editor, ["illness"])


class Migration(migrations.Migration):
    dependencies = [("health", "0003_conditions_follow_ups")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
