from django.db import migrations, models


def _named_by_the_key_in_use(apps, schema_editor):
    """A chain begun before audit keys were named was keyed throughout with the one key in
    use now (it could not be replaced before)."""
    from bangfu.core.protection import audit_key_id

    apps.get_model("core", "AuditHead").objects.update(key=audit_key_id(), first_key=audit_key_id())


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_audit_profile"),
    ]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="first_key",
            field=models.CharField(default="", max_length=8),
        ),
        migrations.AddField(
            model_name="audithead",
            name="key",
            field=models.CharField(default="", max_length=8),
        ),
        migrations.RunPython(_named_by_the_key_in_use, migrations.RunPython.noop),
    ]
