"""Cache keys carry the schema; log lines carry request id, school and user."""

import json
import logging

from django.core.cache import cache
from django_tenants.utils import schema_context

from apps.core.logging import ContextFilter, bind_context


def test_a_value_cached_in_one_school_is_not_seen_in_another(school_a, school_b):
    with schema_context(school_a.schema_name):
        cache.set("fees-summary", "alpha's numbers")
    with schema_context(school_b.schema_name):
        assert cache.get("fees-summary") is None
    with schema_context(school_a.schema_name):
        assert cache.get("fees-summary") == "alpha's numbers"


def test_log_lines_are_json_with_request_school_and_user(capsys):
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    formatter_config = dict(settings.LOGGING["formatters"]["json"])
    formatter_config.pop("()")
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(**formatter_config))
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("tests.logging")
    logger.addHandler(handler)
    logger.propagate = False
    bind_context(request_id="abc123", tenant="alpha", user="42")
    try:
        logger.warning("invoice overdue", extra={"invoice": 7})
    finally:
        logger.removeHandler(handler)
        bind_context(request_id=None, tenant=None, user=None)

    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["message"] == "invoice overdue"
    assert (line["request_id"], line["tenant"], line["user"], line["invoice"]) == ("abc123", "alpha", "42", 7)
    assert line["level"] == "WARNING"


def test_sentry_stays_off_without_a_dsn(settings):
    from apps.core.observability import _tag_event, sentry_init

    settings.SENTRY_DSN = ""
    assert sentry_init() is False
    bind_context(request_id="r1", tenant="alpha", user="9")
    event = _tag_event({}, None)
    bind_context(request_id=None, tenant=None, user=None)
    assert event["tags"] == {"tenant": "alpha", "request_id": "r1"}
    assert event["user"] == {"id": "9"}


def test_uploaded_files_are_stored_under_the_schools_own_folder(school_a, school_b, settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = str(tmp_path)
    with schema_context(school_a.schema_name):
        name = default_storage.save("receipts/r1.txt", ContentFile(b"paid"))
        path = default_storage.path(name)
    with schema_context(school_b.schema_name):
        assert not default_storage.exists(name)

    assert path.startswith(str(tmp_path / "alpha"))
