from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_import_kind"),
    ]

    # Jobs started before this spoke the installation's language, which is Chinese.
    operations = [
        migrations.AddField(
            model_name="exportjob",
            name="language",
            field=models.CharField(default="zh-hans", max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="importjob",
            name="language",
            field=models.CharField(default="zh-hans", max_length=10),
            preserve_default=False,
        ),
    ]
