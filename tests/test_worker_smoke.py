import pytest

from tests.support import celery_worker


@pytest.mark.worker
def test_worker_starts_against_test_database(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), celery_worker():
        pass
