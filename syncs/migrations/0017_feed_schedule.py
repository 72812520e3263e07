from django.db import migrations


def create(apps, schema_editor):
    from syncs.schedules import ensure_schedules

    ensure_schedules(apps.get_model("django_q", "Schedule"))  # adds the feeds schedule


class Migration(migrations.Migration):
    dependencies = [("syncs", "0016_stock_and_prices_out")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
