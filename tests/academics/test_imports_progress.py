"""The import and promotion jobs write all or nothing in one transaction; their progress goes through a
connection of its own, so a person watching sees it move before that transaction ends. The job row is
written (and removed) on a connection of the test's own, committed, as the worker would see it."""

import uuid

from django.db import connection, connections, transaction

from apps.academics.jobs import ProgressAside
from apps.jobs.models import Job


def elsewhere(schema: str, sql: str, params: list):
    other = connections.create_connection("default")
    try:
        other.set_schema(schema)
        with other.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None
    finally:
        other.close()


def test_progress_is_visible_while_the_works_transaction_is_open(in_school_a):
    schema = connection.schema_name
    job = Job(pk=uuid.uuid4(), kind="academics.import_students", title="progress")
    elsewhere(schema, "INSERT INTO jobs_job (id, kind, title, params, status, progress, total, message, result, error, "
                      "created_at) VALUES (%s, %s, %s, '{}', 'running', 0, 0, '', '{}', '', now())",
              [job.pk, job.kind, job.title])
    aside = ProgressAside(job)
    try:
        with transaction.atomic():
            aside.set_total(4)
            aside.step("Asha")
            aside.step("Baraka")
            read = "SELECT progress, total, message FROM jobs_job WHERE id = %s"
            assert elsewhere(schema, read, [job.pk]) == (2, 4, "Baraka")
            aside.step("the rest", amount=5)  # never past the total
            assert elsewhere(schema, read, [job.pk]) == (4, 4, "the rest")
    finally:
        aside.close()
        elsewhere(schema, "DELETE FROM jobs_job WHERE id = %s", [job.pk])
