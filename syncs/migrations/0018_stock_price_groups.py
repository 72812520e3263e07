"""Staff groups and the stock/price screens: everyone sees states, feeds and stock counts; Finance and
Administrators decide on prices beyond the guardrail; Operations and Administrators retry and resend."""

from django.db import migrations

VIEW = ["view_inventorystate", "view_pricestate", "view_feed", "view_priceapproval", "view_stockcount"]
PLAN = {
    "Operations": VIEW + ["change_inventorystate", "change_pricestate"],
    "Finance": VIEW + ["decide_price", "change_pricestate"],
    "Administrators": VIEW + ["decide_price", "change_inventorystate", "change_pricestate"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("syncs")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PLAN.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="syncs", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [("syncs", "0017_feed_schedule")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
