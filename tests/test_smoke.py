from django.db import connection


def test_session_schools_are_cloned_and_ready(school_a, school_b):
    assert school_a.ready and school_b.ready
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname IN ('alpha', 'beta', 'school_template')")
        assert {row[0] for row in cursor.fetchall()} == {"alpha", "beta", "school_template"}
