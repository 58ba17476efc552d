from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0002_uncertainty_setup"),
    ]

    operations = [
        migrations.AddField(
            model_name="result",
            name="raw",
            field=models.FloatField(blank=True, null=True),
        ),
    ]
