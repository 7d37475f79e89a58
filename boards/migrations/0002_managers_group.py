"""The "Managers" group: its members see the manager dashboard. Add people to it in the admin."""

from __future__ import annotations

from django.db import migrations

MANAGERS = "Managers"


def create_group(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.get_or_create(name=MANAGERS)


def remove_group(apps, schema_editor) -> None:
    apps.get_model("auth", "Group").objects.filter(name=MANAGERS).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length"), ("boards", "0001_presence")]

    operations = [migrations.RunPython(create_group, remove_group)]
