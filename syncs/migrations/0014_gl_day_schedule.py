from django.db import migrations


def create(apps, schema_editor):
    from syncs.schedules import ensure_schedules

    ensure_schedules(apps.get_model("django_q", "Schedule"))  # adds the GL day release schedule


class Migration(migrations.Migration):
    dependencies = [("syncs", "0013_wfs_posting")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
