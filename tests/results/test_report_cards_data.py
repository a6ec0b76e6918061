"""Builders of computed results for report-card tests and the benchmark: a NECTA-like scheme, a stream
of students with TermResult/SubjectResult rows written directly, and a term of attendance."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from apps.academics.models import Subject
from apps.attendance.models import AttendanceMark, Register
from apps.results.models import DivisionBand, GradeBand, GradingScheme, SubjectResult, TermResult

BANDS = [("A", 75, 100, 1, "Excellent"), ("B", 65, 74.99, 2, "Very good"), ("C", 45, 64.99, 3, "Good"),
         ("D", 30, 44.99, 4, "Satisfactory"), ("F", 0, 29.99, 5, "Fail")]
DIVISIONS = [("I", 7, 17), ("II", 18, 21), ("III", 22, 25), ("IV", 26, 33), ("0", 34, 35)]
SUBJECTS = [("CIV", "Civics"), ("HIST", "History"), ("GEO", "Geography"), ("KIS", "Kiswahili"),
            ("ENG", "English Language"), ("PHY", "Physics"), ("CHEM", "Chemistry"), ("BIO", "Biology"),
            ("MATH", "Basic Mathematics"), ("COMP", "Computer Studies"), ("COMM", "Commerce"),
            ("BK", "Book-keeping")]


def scheme_make(code="test-csee") -> GradingScheme:
    scheme, created = GradingScheme.objects.get_or_create(
        code=code, version=1, defaults={"name": "NECTA CSEE", "division_method": "best_n", "division_subjects": 7})
    if created:
        for grade, low, high, points, remark in BANDS:
            GradeBand.objects.create(scheme=scheme, grade=grade, min_mark=Decimal(str(low)),
                                     max_mark=Decimal(str(high)), points=points, remark=remark)
        for division, low, high in DIVISIONS:
            DivisionBand.objects.create(scheme=scheme, division=division, min_points=low, max_points=high)
    return scheme


def band_for(score: float):
    for grade, low, high, points, remark in BANDS:
        if low <= score <= high + 0.01:
            return grade, points, remark
    return "F", 5, "Fail"


def subjects_make(count=9) -> list[Subject]:
    return [Subject.objects.get_or_create(code=code, defaults={"name": name, "order": i})[0]
            for i, (code, name) in enumerate(SUBJECTS[:count])]


def results_make(*, term, stream, students, subjects, scheme, seed=7) -> list[TermResult]:
    """TermResult + SubjectResult rows for these students, as the computation would write them."""
    rng = random.Random(seed)
    now = timezone.now()
    scores = {s.pk: [round(rng.uniform(22, 97), 1) for _ in subjects] for s in students}
    subject_rows = []
    for j, subject in enumerate(subjects):
        ranked = sorted(students, key=lambda s: -scores[s.pk][j])
        for position, student in enumerate(ranked, 1):
            score = scores[student.pk][j]
            grade, points, remark = band_for(score)
            subject_rows.append(SubjectResult(
                term=term, student=student, subject=subject, stream=stream, school_class=stream.school_class,
                score=Decimal(str(score)), grade=grade, points=points, remark=remark,
                position_in_stream=position, position_in_class=position, computed_at=now))
    SubjectResult.objects.bulk_create(subject_rows)
    totals = sorted(students, key=lambda s: -sum(scores[s.pk]))
    rows = []
    for position, student in enumerate(totals, 1):
        points = sorted(band_for(x)[1] for x in scores[student.pk])[:7]
        total_points = sum(points)
        division = next((d for d, low, high in DIVISIONS if low <= total_points <= high), "0")
        total = sum(scores[student.pk])
        rows.append(TermResult(
            term=term, student=student, stream=stream, school_class=stream.school_class, scheme=scheme,
            subjects_count=len(subjects), total=Decimal(str(round(total, 2))),
            average=Decimal(str(round(total / len(subjects), 2))), points=total_points, division=division,
            position_in_stream=position, position_in_class=position, stream_size=len(students),
            class_size=len(students), computed_at=now,
            class_teacher_remark="A hard-working student; keep it up in Mathematics and the sciences.",
            head_teacher_remark="Good progress this term. Hongera!"))
    return TermResult.objects.bulk_create(rows)


def attendance_make(*, term, stream, students, days=20, seed=3) -> None:
    rng = random.Random(seed)
    day = term.starts_on
    registers = []
    while len(registers) < days:
        if day.weekday() < 5:
            registers.append(Register(stream=stream, term=term, date=day))
        day += datetime.timedelta(days=1)
    registers = Register.objects.bulk_create(registers)
    statuses = ["present"] * 17 + ["absent", "late", "excused"]
    AttendanceMark.objects.bulk_create([AttendanceMark(register=r, student=s, status=rng.choice(statuses))
                                        for r in registers for s in students])


def stream_make(*, term, stream, size=5, subjects=9, scheme=None, attendance=True, seed=7):
    from tests.academics.factories import StudentFactory

    scheme = scheme or scheme_make()
    students = [StudentFactory(stream=stream) for _ in range(size)]
    subject_list = subjects_make(subjects)
    results = results_make(term=term, stream=stream, students=students, subjects=subject_list, scheme=scheme,
                           seed=seed)
    if attendance:
        attendance_make(term=term, stream=stream, students=students)
    return students, results


