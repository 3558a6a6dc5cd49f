from django.db import migrations

from bangfu.core.codes import seed_codes

REGISTRY_KINDS = [
    "poverty_cause",
    "household_attribute",
    "identification_standard",
    "relation",
    "health",
    "labour",
    "schooling",
    "education",
    "ethnicity",
    "monitoring_type",
    "risk_type",
]


def seed(apps, schema_editor):
    seed_codes(apps, schema_editor, REGISTRY_KINDS)


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial"), ("core", "0002_code_lists")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
