from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("fsmapp", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="payment", name="details", field=models.JSONField(default=dict)
        ),
    ]
