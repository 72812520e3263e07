from django.apps import AppConfig


class SandboxIfsCloudConfig(AppConfig):
    name = "sandbox.ifs_cloud"
    label = "sandbox_ifs_cloud"
    verbose_name = "Sandbox: ifs_cloud"
    default_auto_field = "django.db.models.BigAutoField"
