"""Give the staff groups the order permissions: everyone sees orders and the review queue; Operations
and Finance decide on orders in review; only Administrators may post an order without validation."""

from django.db import migrations

PLAN = {
    "Operations": ["view_marketplaceorder", "review_order", "view_inboxevent", "view_syncrun", "view_integration"],
    "Finance": ["view_marketplaceorder", "review_order", "view_syncrun", "view_integration"],
    "Administrators": ["view_marketplaceorder", "review_order", "post_anyway", "view_inboxevent", "view_syncrun",
                       "view_integration", "change_integration", "add_integration"],
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
    dependencies = [
        ("syncs", "0010_review_queue"),
        ("connectors", "0002_groups"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
