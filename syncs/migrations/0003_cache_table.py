"""The database cache table (shared cache of web and worker processes when Redis is not used)."""

from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("syncs", "0002_schedules")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
