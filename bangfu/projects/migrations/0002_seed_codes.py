from django.db import migrations

from bangfu.core.codes import seed_codes


def seed(apps, schema_editor):
    seed_codes(
        apps,
        schema_editor,
        [
            "project_kind",
            "fund_source",
            "output_kind",
            "benefit_mode",
            "asset_kind",
            "collective_income_source",
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial"), ("core", "0005_code_unit")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
