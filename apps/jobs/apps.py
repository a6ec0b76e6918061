from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "apps.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self):
        # handlers register themselves by kind when their modules load
        from apps.jobs import registry

        registry.autodiscover()
