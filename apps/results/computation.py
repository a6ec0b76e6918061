"""Term results computed set-based in PostgreSQL: a handful of statements for the whole school, whatever
its size (no query per student). Called by publishing, the console's "recompute now" and, debounced,
after marks change (`results_refresh_soon`).

Rules (the grading rules themselves are in apps.results.grading and are the same here):
- A subject's score (out of 100) = Σ score / max_mark × weight over the term's assessments; an assessment
  with no score for the student (blank or absent) counts 0, unless the student has no score in any of
  them: then the subject is absent (no score, no grade, not counted, not ranked). The weights of the
  term must total 100. Scores are rounded to 2 decimals before grading; above 100 is capped at 100.
- A student takes a subject in a term when any mark (a score or "absent") is recorded for it.
- Students: the active students of the school (or of one class), in their current stream; once the term
  is published, the students it was published with, in the streams they were in then (a student who
  left, or a stream promoted at year end, keeps the published results; an unlocked mark is regraded).
- Scheme: the class's grading scheme, at its current version (a class without one: NECTA CSEE). A
  published term keeps the version its results were computed with, so a later edit does not regrade it.
- Total and average over the subjects sat; points and division by the scheme's rule; positions by
  average (stream and class) and by subject score, ties sharing a position (RANK()).
- Rows are upserted (INSERT … ON CONFLICT DO UPDATE, only where something changed; remarks are never
  touched) and rows of students or subjects no longer in the results are deleted (never in a published
  term).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import SchoolClass, Stream, Student, Subject, Term
from apps.results.models import (
    Assessment, DivisionBand, GradeBand, GradingScheme, Mark, SubjectResult, TermResult,
)

logger = logging.getLogger(__name__)

DEFAULT_SCHEME_CODE = "necta-csee"
REFRESH_DELAY_SECONDS = 3  # a burst of mark saves within this window causes one computation


def _refresh_key(term_id: int) -> str:
    return f"results:refresh:{term_id}"  # the cache's key function adds the school's schema


def number_text(value: Decimal) -> str:
    """90.00 → "90", 33.50 → "33.5" (never "9E+1")."""
    return format(value.normalize(), "f")


def term_weights_total(*, term: Term) -> Decimal:
    return sum((a.weight for a in Assessment.objects.filter(term=term).only("weight")), Decimal("0"))


def weights_check(*, term: Term, weights: list[Decimal] | None = None) -> None:
    """Results need the term's assessment weights to total exactly 100."""
    if weights is None:
        weights = list(Assessment.objects.filter(term=term).values_list("weight", flat=True))
    if not weights:
        raise ValidationError(_("%(term)s has no assessments yet: add them (weights totalling 100) first.")
                              % {"term": term}, code="no_assessments")
    total = sum(weights, Decimal("0"))
    if total != 100:
        raise ValidationError(
            _("The assessment weights of %(term)s total %(total)s%%; they must total 100%% before results are "
              "computed or published.") % {"term": term, "total": number_text(total)}, code="weights")


def schemes_for_classes(*, term: Term, classes: list[SchoolClass]) -> dict[int, GradingScheme]:
    """The scheme version each class's results use (see the module's rules); two or three queries."""
    codes = {cls.grading_scheme.code for cls in classes if cls.grading_scheme_id} | {DEFAULT_SCHEME_CODE}
    current = {s.code: s for s in GradingScheme.objects.filter(is_current=True, code__in=codes)}
    kept: dict[int, GradingScheme] = {}
    # asked of the database, not of `term`: the caller's instance may predate the publication
    rows = (TermResult.objects.filter(term=term, term__results_published_at__isnull=False, scheme__isnull=False,
                                      school_class__in=classes)
            .values_list("school_class_id", "scheme_id").distinct())
    ids = dict(rows)
    if ids:
        by_id = GradingScheme.objects.in_bulk(set(ids.values()))
        kept = {class_id: by_id[scheme_id] for class_id, scheme_id in ids.items()}
    chosen = {}
    for cls in classes:
        if cls.pk in kept:
            chosen[cls.pk] = kept[cls.pk]
            continue
        code = cls.grading_scheme.code if cls.grading_scheme_id else DEFAULT_SCHEME_CODE
        scheme = current.get(code) or (cls.grading_scheme if cls.grading_scheme_id else None)
        if scheme is None:
            raise ValidationError(_("The grading scheme %(code)s is missing; results cannot be graded.")
                                  % {"code": code})
        chosen[cls.pk] = scheme
    return chosen


def _tables() -> dict:
    return {
        "mark": Mark._meta.db_table, "assessment": Assessment._meta.db_table,
        "student": Student._meta.db_table, "stream": Stream._meta.db_table, "subject": Subject._meta.db_table,
        "band": GradeBand._meta.db_table, "division": DivisionBand._meta.db_table,
        "subject_result": SubjectResult._meta.db_table, "term_result": TermResult._meta.db_table,
    }


SUBJECT_RESULTS_SQL = """
WITH cls AS (
    SELECT * FROM unnest(%(class_ids)s::bigint[], %(scheme_ids)s::bigint[]) AS c(class_id, scheme_id)
),
pupils AS (
    SELECT s.id AS student_id, s.stream_id, st.school_class_id AS class_id, cls.scheme_id
    FROM {student} s
    JOIN {stream} st ON st.id = s.stream_id
    JOIN cls ON cls.class_id = st.school_class_id
    WHERE s.status = 'active' AND NOT %(frozen)s
    UNION ALL
    -- a published term: the students it was published with, in the streams they were in then
    SELECT t.student_id, t.stream_id, t.school_class_id, cls.scheme_id
    FROM {term_result} t
    JOIN cls ON cls.class_id = t.school_class_id
    WHERE %(frozen)s AND t.term_id = %(term_id)s
),
weighted AS (
    SELECT m.student_id, m.subject_id, p.stream_id, p.class_id, p.scheme_id,
           bool_or(m.score IS NOT NULL) AS has_score,
           round(LEAST(100, sum(COALESCE(m.score, 0) / a.max_mark * a.weight)), 2) AS score
    FROM {mark} m
    JOIN {assessment} a ON a.id = m.assessment_id
    JOIN pupils p ON p.student_id = m.student_id
    WHERE a.term_id = %(term_id)s AND (m.score IS NOT NULL OR m.is_absent)
    GROUP BY m.student_id, m.subject_id, p.stream_id, p.class_id, p.scheme_id
),
bands AS (
    SELECT b.scheme_id, b.grade, b.points, b.remark, b.min_mark,
           lead(b.min_mark) OVER (PARTITION BY b.scheme_id ORDER BY b.min_mark) AS next_min
    FROM {band} b
    WHERE b.scheme_id = ANY(%(scheme_ids)s::bigint[])
),
graded AS (
    SELECT w.student_id, w.subject_id, w.stream_id, w.class_id, w.has_score,
           CASE WHEN w.has_score THEN w.score END AS score,
           COALESCE(b.grade, '') AS grade, b.points, COALESCE(b.remark, '') AS remark
    FROM weighted w
    LEFT JOIN bands b ON w.has_score AND b.scheme_id = w.scheme_id AND w.score >= b.min_mark
                      AND (b.next_min IS NULL OR w.score < b.next_min)
),
ranked AS (
    SELECT g.*,
           CASE WHEN g.has_score THEN rank() OVER (PARTITION BY g.stream_id, g.subject_id, g.has_score
                                                   ORDER BY g.score DESC) END AS position_in_stream,
           CASE WHEN g.has_score THEN rank() OVER (PARTITION BY g.class_id, g.subject_id, g.has_score
                                                   ORDER BY g.score DESC) END AS position_in_class
    FROM graded g
),
changed AS (
    -- only new or different rows go to the upsert: after one mark change that is a few dozen, not 24,000
    SELECT k.*
    FROM ranked k
    LEFT JOIN {subject_result} r ON r.term_id = %(term_id)s AND r.student_id = k.student_id
                                 AND r.subject_id = k.subject_id
    WHERE r.id IS NULL
       OR (r.stream_id, r.school_class_id, r.score, r.is_absent, r.grade, r.points, r.remark, r.position_in_stream,
           r.position_in_class)
          IS DISTINCT FROM
          (k.stream_id, k.class_id, k.score, NOT k.has_score, k.grade, k.points, k.remark, k.position_in_stream,
           k.position_in_class)
),
upserted AS (
    INSERT INTO {subject_result} AS r (term_id, student_id, subject_id, stream_id, school_class_id, score,
                                       is_absent, grade, points, remark, position_in_stream, position_in_class,
                                       computed_at)
    SELECT %(term_id)s, k.student_id, k.subject_id, k.stream_id, k.class_id, k.score, NOT k.has_score, k.grade,
           k.points, k.remark, k.position_in_stream, k.position_in_class, %(now)s
    FROM changed k
    ON CONFLICT (term_id, student_id, subject_id) DO UPDATE SET
        stream_id = EXCLUDED.stream_id, school_class_id = EXCLUDED.school_class_id, score = EXCLUDED.score,
        is_absent = EXCLUDED.is_absent, grade = EXCLUDED.grade, points = EXCLUDED.points,
        remark = EXCLUDED.remark, position_in_stream = EXCLUDED.position_in_stream,
        position_in_class = EXCLUDED.position_in_class, computed_at = EXCLUDED.computed_at
    WHERE (r.stream_id, r.school_class_id, r.score, r.is_absent, r.grade, r.points, r.remark,
           r.position_in_stream, r.position_in_class)
          IS DISTINCT FROM
          (EXCLUDED.stream_id, EXCLUDED.school_class_id, EXCLUDED.score, EXCLUDED.is_absent, EXCLUDED.grade,
           EXCLUDED.points, EXCLUDED.remark, EXCLUDED.position_in_stream, EXCLUDED.position_in_class)
    RETURNING 1
),
removed AS (
    DELETE FROM {subject_result} r
    WHERE r.term_id = %(term_id)s AND NOT %(frozen)s
      AND ({everyone} OR r.school_class_id = ANY(%(class_ids)s::bigint[])
           OR r.student_id IN (SELECT student_id FROM pupils))
      AND NOT EXISTS (SELECT 1 FROM ranked k WHERE k.student_id = r.student_id AND k.subject_id = r.subject_id)
    RETURNING 1
)
SELECT (SELECT count(*) FROM ranked), (SELECT count(*) FROM upserted), (SELECT count(*) FROM removed)
"""

TERM_RESULTS_SQL = """
WITH cls AS (
    SELECT * FROM unnest(%(class_ids)s::bigint[], %(scheme_ids)s::bigint[], %(methods)s::text[],
                         %(needed)s::int[], %(lower_better)s::boolean[])
        AS c(class_id, scheme_id, method, needed, lower_better)
),
pupils AS (
    SELECT s.id AS student_id
    FROM {student} s
    JOIN {stream} st ON st.id = s.stream_id
    JOIN cls ON cls.class_id = st.school_class_id
    WHERE s.status = 'active' AND NOT %(frozen)s
    UNION ALL
    SELECT t.student_id
    FROM {term_result} t
    JOIN cls ON cls.class_id = t.school_class_id
    WHERE %(frozen)s AND t.term_id = %(term_id)s
),
sr AS (
    SELECT r.student_id, r.stream_id, r.school_class_id AS class_id, r.score, r.is_absent, r.points,
           cls.scheme_id, cls.method, cls.needed, cls.lower_better,
           (NOT r.is_absent AND r.points IS NOT NULL
            AND (cls.method <> 'principal' OR NOT sub.is_subsidiary)) AS eligible
    FROM {subject_result} r
    JOIN pupils p ON p.student_id = r.student_id
    JOIN {subject} sub ON sub.id = r.subject_id
    JOIN cls ON cls.class_id = r.school_class_id
    WHERE r.term_id = %(term_id)s
),
counted AS (
    SELECT sr.*,
           CASE WHEN sr.eligible THEN row_number() OVER (
               PARTITION BY sr.student_id, sr.eligible
               ORDER BY CASE WHEN sr.lower_better THEN sr.points ELSE -sr.points END, sr.score DESC) END AS rn
    FROM sr
),
per_student AS (
    SELECT student_id, min(stream_id) AS stream_id, min(class_id) AS class_id, min(scheme_id) AS scheme_id,
           min(method) AS method, min(needed) AS needed,
           count(*) FILTER (WHERE NOT is_absent) AS subjects_count,
           sum(score) FILTER (WHERE NOT is_absent) AS total,
           round(avg(score) FILTER (WHERE NOT is_absent), 2) AS average,
           count(rn) AS eligible_count,
           sum(points) FILTER (WHERE rn <= needed) AS best_points,
           round(avg(points) FILTER (WHERE NOT is_absent AND points IS NOT NULL), 2) AS mean_points
    FROM counted
    GROUP BY student_id
),
pointed AS (
    SELECT p.*,
           (p.method IN ('best_n', 'principal') AND p.eligible_count < COALESCE(p.needed, 0)) AS incomplete,
           CASE WHEN p.method IN ('best_n', 'principal') THEN
                    CASE WHEN p.eligible_count >= COALESCE(p.needed, 0) THEN p.best_points END
                WHEN p.method = 'gpa' THEN p.mean_points END AS pts
    FROM per_student p
),
divisions AS (
    SELECT d.scheme_id, d.division, d.min_points, d.max_points,
           lead(d.min_points) OVER (PARTITION BY d.scheme_id ORDER BY d.min_points) AS next_min
    FROM {division} d
    WHERE d.scheme_id = ANY(%(scheme_ids)s::bigint[])
),
divided AS (
    SELECT p.*, CASE WHEN p.incomplete THEN 'INC' ELSE COALESCE(d.division, '') END AS division
    FROM pointed p
    LEFT JOIN divisions d ON d.scheme_id = p.scheme_id AND p.pts >= d.min_points
                          AND ((d.next_min IS NULL AND p.pts <= d.max_points) OR p.pts < d.next_min)
),
positioned AS (
    SELECT d.*,
           CASE WHEN d.average IS NOT NULL THEN rank() OVER (
               PARTITION BY d.stream_id, d.average IS NOT NULL ORDER BY d.average DESC) END AS position_in_stream,
           CASE WHEN d.average IS NOT NULL THEN rank() OVER (
               PARTITION BY d.class_id, d.average IS NOT NULL ORDER BY d.average DESC) END AS position_in_class,
           count(d.average) OVER (PARTITION BY d.stream_id) AS stream_size,
           count(d.average) OVER (PARTITION BY d.class_id) AS class_size
    FROM divided d
),
changed AS (
    SELECT k.*
    FROM positioned k
    LEFT JOIN {term_result} r ON r.term_id = %(term_id)s AND r.student_id = k.student_id
    WHERE r.id IS NULL
       OR (r.stream_id, r.school_class_id, r.scheme_id, r.subjects_count, r.total, r.average, r.points, r.division,
           r.position_in_stream, r.position_in_class, r.stream_size, r.class_size)
          IS DISTINCT FROM
          (k.stream_id, k.class_id, k.scheme_id, k.subjects_count::smallint, k.total, k.average, k.pts, k.division,
           k.position_in_stream, k.position_in_class, k.stream_size, k.class_size)
),
upserted AS (
    INSERT INTO {term_result} AS r (term_id, student_id, stream_id, school_class_id, scheme_id, subjects_count,
                                    total, average, points, division, position_in_stream, position_in_class,
                                    stream_size, class_size, class_teacher_remark, head_teacher_remark,
                                    computed_at)
    SELECT %(term_id)s, k.student_id, k.stream_id, k.class_id, k.scheme_id, k.subjects_count, k.total, k.average,
           k.pts, k.division, k.position_in_stream, k.position_in_class, k.stream_size, k.class_size, '', '',
           %(now)s
    FROM changed k
    ON CONFLICT (term_id, student_id) DO UPDATE SET
        stream_id = EXCLUDED.stream_id, school_class_id = EXCLUDED.school_class_id, scheme_id = EXCLUDED.scheme_id,
        subjects_count = EXCLUDED.subjects_count, total = EXCLUDED.total, average = EXCLUDED.average,
        points = EXCLUDED.points, division = EXCLUDED.division, position_in_stream = EXCLUDED.position_in_stream,
        position_in_class = EXCLUDED.position_in_class, stream_size = EXCLUDED.stream_size,
        class_size = EXCLUDED.class_size, computed_at = EXCLUDED.computed_at
    WHERE (r.stream_id, r.school_class_id, r.scheme_id, r.subjects_count, r.total, r.average, r.points, r.division,
           r.position_in_stream, r.position_in_class, r.stream_size, r.class_size)
          IS DISTINCT FROM
          (EXCLUDED.stream_id, EXCLUDED.school_class_id, EXCLUDED.scheme_id, EXCLUDED.subjects_count,
           EXCLUDED.total, EXCLUDED.average, EXCLUDED.points, EXCLUDED.division, EXCLUDED.position_in_stream,
           EXCLUDED.position_in_class, EXCLUDED.stream_size, EXCLUDED.class_size)
    RETURNING 1
),
removed AS (
    DELETE FROM {term_result} r
    WHERE r.term_id = %(term_id)s AND NOT %(frozen)s
      AND ({everyone} OR r.school_class_id = ANY(%(class_ids)s::bigint[])
           OR r.student_id IN (SELECT student_id FROM pupils))
      AND NOT EXISTS (SELECT 1 FROM positioned k WHERE k.student_id = r.student_id)
    RETURNING 1
)
SELECT (SELECT count(*) FROM positioned), (SELECT count(*) FROM upserted), (SELECT count(*) FROM removed)
"""


# the statement's last column puts the planner back as it was (inside a test's outer transaction too)
RESTORE_NESTLOOP = ", set_config('enable_nestloop', %(nestloop)s, true)"


def term_results_compute(*, term: Term, school_class: SchoolClass | None = None) -> dict:
    """Compute (or refresh) the term's subject and term results for the whole school or one class.
    Raises ValidationError when the weights do not total 100. Returns counts: `subject_results` and
    `term_results` (rows now in the results), `*_changed` (rows written), `*_removed` (stale rows
    deleted). A fixed number of queries, whatever the number of students."""
    weights_check(term=term)
    classes = SchoolClass.objects.select_related("grading_scheme")
    if school_class is not None:
        classes = classes.filter(pk=school_class.pk)
    classes = list(classes)
    empty = {"subject_results": 0, "subject_results_changed": 0, "subject_results_removed": 0,
             "term_results": 0, "term_results_changed": 0, "term_results_removed": 0}
    if not classes:
        return empty
    schemes = schemes_for_classes(term=term, classes=classes)
    class_ids = [cls.pk for cls in classes]
    params = {
        "term_id": term.pk, "now": timezone.now(), "class_ids": class_ids, "frozen": term.is_published,
        "scheme_ids": [schemes[c].pk for c in class_ids],
        "methods": [schemes[c].division_method for c in class_ids],
        "needed": [schemes[c].division_subjects or 0 for c in class_ids],
        "lower_better": [schemes[c].lower_points_better for c in class_ids],
    }
    names = {**_tables(), "everyone": "TRUE" if school_class is None else "FALSE"}
    with transaction.atomic(), connection.cursor() as cursor:
        # One computation per term at a time (concurrent upserts of the same rows would deadlock). And
        # hash joins only, for this transaction: right after marks are loaded or results first written the
        # tables' statistics say "a few rows", and a nested loop over 24,000 × 24,000 rows takes seconds.
        cursor.execute("WITH before AS MATERIALIZED (SELECT current_setting('enable_nestloop') AS setting) "
                       "SELECT setting, set_config('enable_nestloop', 'off', true), "
                       "pg_advisory_xact_lock(hashtext(current_schema()), %s) FROM before", [term.pk])
        params["nestloop"] = cursor.fetchone()[0]
        cursor.execute(SUBJECT_RESULTS_SQL.format(**names), params)
        subject_rows, subject_changed, subject_removed = cursor.fetchone()
        cursor.execute(TERM_RESULTS_SQL.format(**names) + RESTORE_NESTLOOP, params)
        term_rows, term_changed, term_removed, _restored = cursor.fetchone()
    return {"subject_results": subject_rows, "subject_results_changed": subject_changed,
            "subject_results_removed": subject_removed, "term_results": term_rows,
            "term_results_changed": term_changed, "term_results_removed": term_removed}


def results_refresh_soon(*, term: Term) -> None:
    """Ask for the term's results to be recomputed shortly after the current transaction commits.

    Debounced: after a commit, the first call of a burst adds a cache key for the term and queues
    `compute_term_results_task` a few seconds later; later calls find the key and queue nothing. The
    task deletes the key before it reads, so a change committed after that queues a fresh computation
    and none is lost."""
    term_id = term.pk

    def queue():
        from apps.results.tasks import compute_term_results_task

        if cache.add(_refresh_key(term_id), 1, timeout=REFRESH_DELAY_SECONDS * 20):
            compute_term_results_task.apply_async(args=[term_id], countdown=REFRESH_DELAY_SECONDS)

    transaction.on_commit(queue, robust=True)


def results_refresh_run(*, term_id: int) -> dict | None:
    """The task's body: forget the debounce key, then compute. A term whose weights are not ready is
    skipped (logged), not failed: the marks are kept and results follow once the weights total 100."""
    cache.delete(_refresh_key(term_id))
    term = Term.objects.filter(pk=term_id).first()
    if term is None:
        return None
    try:
        return term_results_compute(term=term)
    except ValidationError as error:
        logger.info("results not computed for term %s: %s", term_id, "; ".join(error.messages))
        return None
