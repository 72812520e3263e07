"""The three staff groups. Later apps add their models' permissions to them in their own migrations."""

from django.db import migrations

GROUPS = {
    "Administrators": {
        "connectors": ["add_connection", "change_connection", "delete_connection", "view_connection",
                       "view_ratelimitbucket"],
        "audit": ["view_auditevent"],
    },
    "Operations": {"connectors": ["view_connection"], "audit": ["view_auditevent"]},
    "Finance": {"connectors": ["view_connection"], "audit": ["view_auditevent"]},
}


def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, by_app in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codenames in by_app.items():
            perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
            group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("connectors", "0001_initial"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
