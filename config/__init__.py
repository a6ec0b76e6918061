"""Project configuration: settings, URLs, Celery (config.celery) and the embedded development services."""
