"""Give the staff groups (connectors 0002) the permissions of the mapping kinds they own.

Finance owns the money side (GL rules, customers), Operations the goods side (SKUs, ship nodes,
carriers, suppliers); Administrators get everything. No group gets `delete_*`: mappings are
retired with active = 0, never deleted. The unmapped report is readable by both teams.
"""

from django.db import migrations

MODELS = {
    "Finance": ["glrule", "customermap"],
    "Operations": ["skumap", "shipnodemap", "carriermap", "suppliermap"],
}
ALL = ["skumap", "shipnodemap", "glrule", "customermap", "carriermap", "suppliermap"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("mappings")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    plan = {**MODELS, "Administrators": ALL}
    for name, models in plan.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model in models for action in ("add", "change", "view")]
        codenames += ["view_unmappedsighting", "view_importupload"]
        group.permissions.add(*Permission.objects.filter(content_type__app_label="mappings", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("mappings", "0001_initial"),
        ("connectors", "0002_groups"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
