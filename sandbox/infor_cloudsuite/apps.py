from django.apps import AppConfig


class SandboxInforCloudsuiteConfig(AppConfig):
    name = "sandbox.infor_cloudsuite"
    label = "sandbox_infor_cloudsuite"
    verbose_name = "Sandbox: infor_cloudsuite"
    default_auto_field = "django.db.models.BigAutoField"
