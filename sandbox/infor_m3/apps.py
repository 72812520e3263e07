from django.apps import AppConfig


class SandboxInforM3Config(AppConfig):
    name = "sandbox.infor_m3"
    label = "sandbox_infor_m3"
    verbose_name = "Sandbox: infor_m3"
    default_auto_field = "django.db.models.BigAutoField"
