from django.db import migrations

from bangfu.core.codes import seed_codes


def seed(apps, schema_editor):
    seed_codes(apps, schema_editor, ["team_role", "leave_kind", "discipline_kind"])


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial"), ("core", "0002_code_lists")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
