from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "apps.platform"
    label = "platform"
    verbose_name = "Platform"

    def ready(self):
        # apps register their per-school counters (students, staff, ...) in <app>/counters.py
        from apps.platform import counters

        counters.autodiscover()
