"""BoardPresence now belongs to the live app (live/migrations/0001); its table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("boards", "0002_managers_group"),
        ("live", "0001_presence_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="BoardPresence")],
            database_operations=[],
        ),
    ]
