"""The "large school" the other benchmarks measure against, and how long it takes to generate.

    .venv/bin/python benchmarks/large_school.py [--students 2000]

In a benchmark's own database (benchmarks._support.Bench: created here, dropped at the end) it
migrates the public and template schemas, provisions a school through the platform
(apps.platform.services.school_provision) and fills it with apps.academics.sample_school: 2,000
students in Forms 1-4 (five streams each, about 100 a stream), 60 teachers, 12 subjects, the three
terms of last year (a complete year) with three assessments each (continuous assessment 20 %,
midterm test 30 %, terminal exam 50 %) and every school day's register. Prints what it generated
and how long it took.

Other benchmarks import it, after their own `Bench.prepare()` and `Bench.migrate_public_and_template()`:

    from benchmarks.large_school import large_school
    school, counts = large_school()          # the Tenant (reused when it exists) and what was added
    with schema_context(school.schema_name): ...

Generated marks have no MarkChange history (see apps/academics/sample_school.py).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._support import Bench, machine  # noqa: E402

DATABASE = "omnicore_bench_large_school"
ADMIN_PASSWORD = "bench-admin-password-2024"
ASSESSMENTS = (("Continuous assessment", "continuous", 20), ("Midterm test", "test", 30),
               ("Terminal exam", "exam", 50))
SIZE = {"students": 2000, "forms": 4, "streams_per_form": 5, "subjects": 12, "teachers": 60, "terms": 3}


def large_school(*, slug: str = "bench-large", students: int = SIZE["students"], seed: int = 42, year: int | None = None):
    """The large school (provisioned when missing, filled when empty); returns (tenant, counts).
    `year` defaults to last year, so every term is complete whatever today is."""
    from django.db import connection
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from apps.academics.sample_school import sample_school_generate
    from apps.platform.selectors import school_by_slug
    from apps.platform.services import plans_ensure_defaults, school_provision

    connection.set_schema_to_public()
    school = school_by_slug(slug)
    if school is None:
        plans_ensure_defaults()
        school = school_provision(slug=slug, name="Large Benchmark Secondary School", admin_email=f"admin@{slug}.test",
                                  admin_password=ADMIN_PASSWORD)
    if (school.limit_students or 0) < students:
        school.limit_students = students  # the default plan stops at 1,000
        school.save(update_fields=["limit_students"])
    with schema_context(school.schema_name):
        counts = sample_school_generate(**{**SIZE, "students": students}, assessments=ASSESSMENTS, seed=seed,
                                        year=year or timezone.localdate().year - 1)
    connection.set_schema_to_public()
    return school, counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=SIZE["students"])
    args = parser.parse_args()
    bench = Bench(DATABASE)
    try:
        bench.prepare()
        print(f"large_school: {machine()}")
        started = time.perf_counter()
        Bench.migrate_public_and_template()
        print(f"migrated the public and template schemas in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        school, counts = large_school(students=args.students)
        total = time.perf_counter() - started
        generated = counts["seconds"]
        print(f"school {school.slug} ({school.schema_name}): provisioned and generated in {total:.1f} s "
              f"(generation {generated:.1f} s)")
        for key, value in counts.items():
            print(f"  {key:<22} {value}")
        rows = counts["students"] + counts["guardians"] + counts["registers"] + counts["attendance_marks"] + \
            counts["marks"]
        print(f"SUMMARY large_school: {counts['students']} students, {counts['marks']} marks, "
              f"{counts['attendance_marks']} attendance marks in {counts['registers']} registers "
              f"({rows} rows) generated in {generated:.1f} s ({rows / max(generated, 0.001):,.0f} rows/s)")
        started = time.perf_counter()
        again = large_school(students=args.students)[1]
        print(f"a second run adds nothing: {again['students'] + again['marks'] + again['attendance_marks'] == 0} "
              f"({time.perf_counter() - started:.2f} s)")
        return 0
    finally:
        bench.finish()


if __name__ == "__main__":
    sys.exit(main())
