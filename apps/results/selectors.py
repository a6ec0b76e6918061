"""Reads of grading schemes, assessments and computed results, scoped to the user.

Who sees results: a school admin every stream's; a teacher the streams she leads or teaches in (drafts
included); a parent his own children's, and only once the term is published; a student her own, once
published. Every page reads a fixed number of queries whatever the number of students."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Avg, Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from apps.academics.models import SchoolClass, Stream, Student, Subject, Term
from apps.academics.selectors import teacher_stream_ids
from apps.accounts.roles import Role
from apps.results.models import Assessment, DivisionBand, GradeBand, GradingScheme, SubjectResult, TermResult

# --- schemes and assessments ----------------------------------------------------------------------


def schemes_list() -> list[dict]:
    """Schemes grouped by code: the current version first, with its bands and divisions, and its
    older versions. Presets first."""
    schemes = list(GradingScheme.objects.select_related("copied_from", "created_by").prefetch_related(
        Prefetch("bands", queryset=GradeBand.objects.order_by("-min_mark")),
        Prefetch("divisions", queryset=DivisionBand.objects.order_by("min_points"))).order_by("code", "-version"))
    groups: dict[str, dict] = {}
    for scheme in schemes:
        group = groups.setdefault(scheme.code, {"code": scheme.code, "current": None, "versions": []})
        group["versions"].append(scheme)
        if scheme.is_current and group["current"] is None:
            group["current"] = scheme
    for group in groups.values():
        group["current"] = group["current"] or group["versions"][0]
    return sorted(groups.values(), key=lambda g: (not g["current"].is_preset, g["current"].name.lower()))


def scheme_current(*, code: str) -> GradingScheme | None:
    return (GradingScheme.objects.prefetch_related("bands", "divisions")
            .filter(code=code, is_current=True).first())


def scheme_get(*, pk: int) -> GradingScheme | None:
    return GradingScheme.objects.prefetch_related("bands", "divisions").filter(pk=pk).first()


def assessments_for_term(*, term: Term) -> QuerySet[Assessment]:
    return Assessment.objects.filter(term=term).annotate(mark_count=Count("marks")).order_by("order", "id")


def terms_list() -> QuerySet[Term]:
    return Term.objects.select_related("year", "results_published_by").order_by("-year__starts_on", "-number")


# --- who sees which results -----------------------------------------------------------------------

def result_streams_for_user(*, user) -> QuerySet[Stream]:
    """Streams whose results the user may read in the console (admins: all; teachers: theirs)."""
    streams = Stream.objects.select_related("school_class")
    if user.role == Role.SCHOOL_ADMIN:
        return streams
    if user.role == Role.TEACHER:
        return streams.filter(id__in=teacher_stream_ids(user=user))
    return streams.none()


def term_results_for_user(*, user, term: Term | None = None, stream_id: int | None = None) -> QuerySet[TermResult]:
    """Term results the user may read (the API's /results/)."""
    results = TermResult.objects.select_related("student", "stream__school_class", "term__year", "scheme")
    if term is not None:
        results = results.filter(term=term)
    if stream_id is not None:
        results = results.filter(stream_id=stream_id)
    if user.role == Role.SCHOOL_ADMIN:
        return results
    if user.role == Role.TEACHER:
        return results.filter(stream_id__in=teacher_stream_ids(user=user))
    published = Q(term__results_published_at__isnull=False)
    if user.role == Role.PARENT:
        return results.filter(published, student__guardian_links__guardian__user=user)
    if user.role == Role.STUDENT:
        return results.filter(published, student__user=user)
    return results.none()


# --- pages ----------------------------------------------------------------------------------------

def _plain_number(value) -> str:
    """80.00 → "80", 74.50 → "74.5"."""
    return "" if value is None else format(value.normalize(), "f")


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


def term_overview(*, term: Term, streams: QuerySet[Stream]) -> list[dict]:
    """Per stream: students with results, mean average, division counts (two queries)."""
    stream_list = list(streams)
    ids = [s.pk for s in stream_list]
    rows = (TermResult.objects.filter(term=term, stream_id__in=ids).values("stream_id")
            .annotate(students=Count("id"), mean=Avg("average")))
    by_stream = {row["stream_id"]: row for row in rows}
    divisions = defaultdict(Counter)
    for row in (TermResult.objects.filter(term=term, stream_id__in=ids).exclude(division="")
                .values("stream_id", "division").annotate(n=Count("id"))):
        divisions[row["stream_id"]][row["division"]] = row["n"]
    return [{"stream": stream, "students": by_stream.get(stream.pk, {}).get("students", 0),
             "mean": _number(by_stream.get(stream.pk, {}).get("mean")),
             "divisions": sorted(divisions[stream.pk].items(), key=lambda kv: DIVISION_ORDER.get(kv[0], 99))}
            for stream in stream_list]


DIVISION_ORDER = {"I": 1, "II": 2, "III": 3, "IV": 4, "0": 5, "INC": 6}


def results_table(*, term: Term, stream: Stream | None = None, school_class: SchoolClass | None = None) -> dict:
    """A ranked table of a stream's or a class's term: each student's subjects (score and grade), total,
    average, points, division and positions; the grade distribution; subject performance (mean, grade
    counts, rank of subjects). Three queries, whatever the size."""
    scope = {"stream": stream} if stream is not None else {"school_class": school_class}
    position = "position_in_stream" if stream is not None else "position_in_class"
    results = list(TermResult.objects.filter(term=term, **scope)
                   .select_related("student", "stream__school_class", "scheme")
                   .order_by(F(position).asc(nulls_last=True), "student__last_name", "student__first_name"))
    subject_rows = list(SubjectResult.objects.filter(term=term, **scope)
                        .values("student_id", "subject_id", "score", "grade", "points", "is_absent",
                                "position_in_stream", "position_in_class"))
    subject_ids = {row["subject_id"] for row in subject_rows}
    subjects = list(Subject.objects.filter(pk__in=subject_ids).order_by("order", "code"))
    cells: dict[int, dict[int, dict]] = defaultdict(dict)
    grades_by_subject: dict[int, Counter] = defaultdict(Counter)
    scores_by_subject: dict[int, list[Decimal]] = defaultdict(list)
    grade_totals: Counter = Counter()
    for row in subject_rows:
        cells[row["student_id"]][row["subject_id"]] = row
        if not row["is_absent"] and row["grade"]:
            grades_by_subject[row["subject_id"]][row["grade"]] += 1
            grade_totals[row["grade"]] += 1
        if row["score"] is not None:
            scores_by_subject[row["subject_id"]].append(row["score"])
    scheme = next((r.scheme for r in results if r.scheme_id), None)
    grade_order = [b.grade for b in scheme.bands.all()] if scheme is not None else sorted(grade_totals)
    for grade in sorted(set(grade_totals) - set(grade_order)):
        grade_order.append(grade)
    performance = []
    for subject in subjects:
        scores = scores_by_subject.get(subject.pk, [])
        mean = _number(sum(scores, Decimal("0")) / len(scores)) if scores else None
        performance.append({"subject": subject, "mean": mean, "sat": len(scores),
                            "grades": [grades_by_subject[subject.pk].get(g, 0) for g in grade_order]})
    ranked = sorted((p for p in performance if p["mean"] is not None), key=lambda p: -p["mean"])
    rank, previous = 0, None
    for index, item in enumerate(ranked, start=1):
        if item["mean"] != previous:
            rank, previous = index, item["mean"]
        item["rank"] = rank
    # cells pre-formatted here: a class of 500 students has 6,000 of them, too many for template filters
    absent_text = _("ABS")
    for by_subject in cells.values():
        for subject_id, row in by_subject.items():
            by_subject[subject_id] = (absent_text, "", True) if row["is_absent"] else (
                _plain_number(row["score"]), row["grade"], False)
    rows = [{"result": r, "cells": [cells[r.student_id].get(s.pk) for s in subjects]} for r in results]
    divisions = Counter(r.division for r in results if r.division)
    averages = [r.average for r in results if r.average is not None]
    return {
        "rows": rows, "subjects": subjects, "grade_order": grade_order,
        "grade_chart": [[g, grade_totals.get(g, 0)] for g in grade_order],
        "division_counts": sorted(divisions.items(), key=lambda kv: DIVISION_ORDER.get(kv[0], 99)),
        "performance": performance, "mean": _number(sum(averages, Decimal("0")) / len(averages)) if averages else None,
        "scheme": scheme, "computed_at": max((r.computed_at for r in results), default=None),
    }


def student_term(*, term: Term, student: Student) -> dict:
    """One student's term: the term result and each subject's result (two queries)."""
    result = (TermResult.objects.select_related("stream__school_class", "scheme")
              .filter(term=term, student=student).first())
    subjects = list(SubjectResult.objects.filter(term=term, student=student).select_related("subject")
                    .order_by("subject__order", "subject__code"))
    return {"result": result, "subjects": subjects}
