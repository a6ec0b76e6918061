from django.apps import AppConfig


class BreakGlassConfig(AppConfig):
    name = "apps.breakglass"
    label = "breakglass"
    verbose_name = "Break-glass access"
