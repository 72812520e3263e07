from django.apps import AppConfig


class SandboxPeoplesoftConfig(AppConfig):
    name = "sandbox.peoplesoft"
    label = "sandbox_peoplesoft"
    verbose_name = "Sandbox: peoplesoft"
    default_auto_field = "django.db.models.BigAutoField"
