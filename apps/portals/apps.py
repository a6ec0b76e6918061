from django.apps import AppConfig


class PortalsConfig(AppConfig):
    """The teacher's workspace and the parent portal: pages composed from academics, attendance and
    results (no tables of their own)."""

    name = "apps.portals"
    label = "portals"
    verbose_name = "Portals"
