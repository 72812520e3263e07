from django.apps import AppConfig


class SandboxWalmartConfig(AppConfig):
    name = "sandbox.walmart"
    label = "sandbox_walmart"
    verbose_name = "Sandbox: walmart"
    default_auto_field = "django.db.models.BigAutoField"
