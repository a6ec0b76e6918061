"""Term results computed in the database: a small hand-checked school."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.results.computation import term_results_compute
from apps.results.models import GradingScheme, SubjectResult, TermResult
from tests.academics.factories import (
    SchoolClassFactory, StreamFactory, StudentFactory, SubjectFactory, TermFactory,
)
from tests.results.factories_grading import AssessmentFactory, mark

D = Decimal


@pytest.fixture
def school(in_school_a):
    """Form 1 (NECTA CSEE by default), streams A and B, 7 subjects, CA 30 % (out of 50) and exam 70 %."""
    term = TermFactory()
    form1 = SchoolClassFactory(level=1)
    stream_a, stream_b = StreamFactory(school_class=form1, name="A"), StreamFactory(school_class=form1, name="B")
    subjects = [SubjectFactory(code=f"C{i}") for i in range(1, 8)]
    ca = AssessmentFactory(term=term, name="CA", weight=D("30"), max_mark=D("50"))
    exam = AssessmentFactory(term=term, name="Exam", weight=D("70"), max_mark=D("100"))
    one = StudentFactory(stream=stream_a, first_name="One")
    two = StudentFactory(stream=stream_a, first_name="Two")
    three = StudentFactory(stream=stream_a, first_name="Three")
    four = StudentFactory(stream=stream_b, first_name="Four")
    for student in (one, two):
        for subject in subjects:
            mark(ca, student, subject, 40)  # 24
            mark(exam, student, subject, 80)  # 56 -> 80, A
    for subject in subjects[:6]:
        mark(ca, three, subject, 25)  # 15
        mark(exam, three, subject, 50)  # 35 -> 50, C
    mark(ca, three, subjects[6], absent=True)
    mark(exam, three, subjects[6], absent=True)
    mark(ca, four, subjects[0], absent=True)
    mark(exam, four, subjects[0], 100)  # 70, B (the absent CA counts 0)
    mark(exam, four, subjects[1], 50)  # no CA row at all: 35, D
    for subject in subjects[2:]:
        mark(ca, four, subject, 50)  # 30
        mark(exam, four, subject, D("64.5"))  # 45.15 -> 75.15, A
    return {"term": term, "form1": form1, "a": stream_a, "b": stream_b, "subjects": subjects, "ca": ca,
            "exam": exam, "one": one, "two": two, "three": three, "four": four}


def _term(student, term):
    return TermResult.objects.get(term=term, student=student)


def _subject(student, subject, term):
    return SubjectResult.objects.get(term=term, student=student, subject=subject)


def test_weighted_scores_grades_points_and_divisions(school):
    term = school["term"]
    counts = term_results_compute(term=term)
    assert counts["term_results"] == 4
    assert counts["subject_results"] == 28

    first = _subject(school["one"], school["subjects"][0], term)
    assert (first.score, first.grade, first.points, first.remark) == (D("80.00"), "A", D("1"), "Excellent")

    four = school["four"]
    s1 = _subject(four, school["subjects"][0], term)
    s2 = _subject(four, school["subjects"][1], term)
    s3 = _subject(four, school["subjects"][2], term)
    assert (s1.score, s1.grade, s1.points) == (D("70.00"), "B", D("2"))
    assert (s2.score, s2.grade, s2.points) == (D("35.00"), "D", D("4"))
    assert (s3.score, s3.grade) == (D("75.15"), "A")
    result = _term(four, term)
    assert result.subjects_count == 7
    assert result.total == D("480.75")
    assert result.average == D("68.68")
    assert result.points == D("11")  # 2 + 4 + 5 × 1
    assert result.division == "I"
    assert result.scheme.code == "necta-csee"


def test_absent_subject_is_not_graded_and_too_few_subjects_give_no_division(school):
    term = school["term"]
    term_results_compute(term=term)
    absent = _subject(school["three"], school["subjects"][6], term)
    assert absent.is_absent and absent.score is None and absent.grade == "" and absent.points is None
    assert absent.position_in_stream is None
    result = _term(school["three"], term)
    assert result.subjects_count == 6
    assert result.average == D("50.00")
    assert result.points is None
    assert result.division == "INC"


def test_ties_share_a_position(school):
    term = school["term"]
    term_results_compute(term=term)
    positions = {name: (_term(school[name], term).position_in_stream, _term(school[name], term).position_in_class)
                 for name in ("one", "two", "three", "four")}
    assert positions == {"one": (1, 1), "two": (1, 1), "three": (3, 4), "four": (1, 3)}
    assert _term(school["one"], term).stream_size == 3
    assert _term(school["one"], term).class_size == 4
    first_subject = school["subjects"][0]
    subject_positions = {name: (_subject(school[name], first_subject, term).position_in_stream,
                                _subject(school[name], first_subject, term).position_in_class)
                         for name in ("one", "two", "three", "four")}
    assert subject_positions == {"one": (1, 1), "two": (1, 1), "three": (3, 4), "four": (1, 3)}


def test_recompute_keeps_remarks_follows_changes_and_removes_stale_rows(school):
    term = school["term"]
    term_results_compute(term=term)
    TermResult.objects.filter(student=school["one"]).update(class_teacher_remark="Keep it up")
    # two drops: one's first subject now 60 (C); three leaves the school
    school["one"].marks.filter(assessment=school["exam"], subject=school["subjects"][0]).update(score=D("51.43"))
    school["three"].status = "left"
    school["three"].save()
    counts = term_results_compute(term=term)
    assert counts["term_results"] == 3
    assert counts["term_results_removed"] == 1
    assert counts["subject_results_removed"] == 7
    one = _term(school["one"], term)
    assert one.class_teacher_remark == "Keep it up"
    assert _subject(school["one"], school["subjects"][0], term).grade == "C"  # 24 + 36.00 = 60.00
    assert one.points == D("9")
    assert one.position_in_stream == 2
    assert not TermResult.objects.filter(student=school["three"]).exists()
    assert counts["subject_results_changed"] < 28  # unchanged rows are not rewritten


def test_one_class_only(school):
    term = school["term"]
    other = SchoolClassFactory(level=2)
    other_student = StudentFactory(stream=StreamFactory(school_class=other, name="A"))
    mark(school["exam"], other_student, school["subjects"][0], 90)
    counts = term_results_compute(term=term, school_class=school["form1"])
    assert counts["term_results"] == 4
    assert not TermResult.objects.filter(student=other_student).exists()
    term_results_compute(term=term)
    assert TermResult.objects.get(student=other_student).division == "INC"


def test_weights_must_total_100(school):
    school["ca"].weight = D("20")
    school["ca"].save()
    with pytest.raises(ValidationError) as error:
        term_results_compute(term=school["term"])
    assert "total 90%" in str(error.value)
    assert not TermResult.objects.exists()


def test_acsee_counts_the_best_three_principal_subjects(in_school_a):
    term = TermFactory()
    form5 = SchoolClassFactory(level=5, grading_scheme=GradingScheme.objects.get(code="necta-acsee"))
    stream = StreamFactory(school_class=form5, name="PCM")
    exam = AssessmentFactory(term=term, name="Final", weight=D("100"))
    phy, chem, math = (SubjectFactory(code=c) for c in ("PHY", "CHEM", "MATH"))
    gs = SubjectFactory(code="GS", is_subsidiary=True)
    student = StudentFactory(stream=stream)
    for subject, score in ((phy, 81), (chem, D("69.5")), (math, 35), (gs, 95)):
        mark(exam, student, subject, score)
    short = StudentFactory(stream=stream)
    mark(exam, short, phy, 90)
    mark(exam, short, chem, 90)
    mark(exam, short, gs, 90)  # a subsidiary does not make up the third principal subject
    term_results_compute(term=term)
    result = TermResult.objects.get(term=term, student=student)
    assert SubjectResult.objects.get(term=term, student=student, subject=math).grade == "S"
    assert SubjectResult.objects.get(term=term, student=student, subject=chem).grade == "C"
    assert result.points == D("10")  # A 1 + C 3 + S 6; GS's A does not count
    assert result.division == "II"
    assert TermResult.objects.get(term=term, student=short).division == "INC"


def test_gpa_scheme_averages_points(in_school_a):
    term = TermFactory()
    form1 = SchoolClassFactory(level=1, grading_scheme=GradingScheme.objects.get(code="percentage-gpa"))
    stream = StreamFactory(school_class=form1, name="A")
    exam = AssessmentFactory(term=term, name="Final", weight=D("100"))
    student = StudentFactory(stream=stream)
    for code, score in (("G1", 85), ("G2", 70), ("G3", 30)):
        mark(exam, student, SubjectFactory(code=code), score)
    term_results_compute(term=term)
    result = TermResult.objects.get(term=term, student=student)
    assert result.points == D("2.33")  # (4 + 3 + 0) / 3
    assert result.division == ""


def test_class_scheme_uses_its_current_version(in_school_a):
    from apps.results.models import GradeBand

    term = TermFactory()
    v1 = GradingScheme.objects.create(code="school-o", version=1, name="Ours", division_method="none",
                                      is_current=False)
    GradeBand.objects.create(scheme=v1, grade="P", min_mark=0, max_mark=100, points=1)
    v2 = GradingScheme.objects.create(code="school-o", version=2, name="Ours", division_method="none")
    GradeBand.objects.create(scheme=v2, grade="X", min_mark=0, max_mark=49, points=0)
    GradeBand.objects.create(scheme=v2, grade="Y", min_mark=50, max_mark=100, points=1)
    form1 = SchoolClassFactory(level=1, grading_scheme=v1)
    student = StudentFactory(stream=StreamFactory(school_class=form1, name="A"))
    exam = AssessmentFactory(term=term, name="Final", weight=D("100"))
    mark(exam, student, SubjectFactory(code="Z1"), 60)
    term_results_compute(term=term)
    assert SubjectResult.objects.get(student=student).grade == "Y"
    assert TermResult.objects.get(student=student).scheme == v2


def test_query_count_does_not_grow_with_students(in_school_a, django_assert_max_num_queries):
    def build(level, count):
        term = TermFactory(number=level, is_current=level == 1)
        form = SchoolClassFactory(level=level)
        stream = StreamFactory(school_class=form, name="A")
        exam = AssessmentFactory(term=term, name="Final", weight=D("100"))
        subjects = [SubjectFactory(code=f"Q{level}{i}") for i in range(3)]
        for n in range(count):
            student = StudentFactory(stream=stream)
            for subject in subjects:
                mark(exam, student, subject, 30 + n)
        return term

    small, large = build(1, 10), build(2, 40)
    # weights, classes, schemes, kept versions, savepoint, lock, subject results, term results (each after a
    # SET search_path)
    with django_assert_max_num_queries(16):
        term_results_compute(term=small)
    with django_assert_max_num_queries(16):
        counts = term_results_compute(term=large)
    assert counts["term_results"] == 40


def test_another_school_sees_none_of_it(school, school_b):
    term_results_compute(term=school["term"])
    assert TermResult.objects.count() == 4
    with schema_context(school_b.schema_name):
        assert not TermResult.objects.exists()
        assert not SubjectResult.objects.exists()


def test_a_second_computation_with_nothing_changed_writes_nothing(school):
    term_results_compute(term=school["term"])
    again = term_results_compute(term=school["term"])
    assert (again["subject_results_changed"], again["term_results_changed"]) == (0, 0)
    assert (again["subject_results"], again["term_results"]) == (28, 4)


def test_a_published_term_keeps_its_scheme_version_when_recomputed(in_school_a, admin_a):
    from apps.results.grading import DivisionRange
    from apps.results.publishing import term_results_publish
    from apps.results.services import bands_from_data, scheme_copy, scheme_revise
    from tests.results.factories_grading import preset

    ours = scheme_copy(scheme=preset("necta-csee"), code="ours", name="Ours", actor=admin_a)
    term = TermFactory()
    form = SchoolClassFactory(level=1, grading_scheme=ours)
    student = StudentFactory(stream=StreamFactory(school_class=form, name="A"))
    exam = AssessmentFactory(term=term, name="Final", weight=D("100"))
    subject = SubjectFactory(code="K1")
    mark(exam, student, subject, 76)
    term_results_publish(term=term, actor=admin_a)
    scheme_revise(scheme=ours, bands=bands_from_data([
        {"grade": "A", "min_mark": 80, "max_mark": 100, "points": 1},
        {"grade": "B", "min_mark": 0, "max_mark": 79, "points": 2}]),
        divisions=[DivisionRange("I", D(7), D(35))], actor=admin_a)
    term_results_compute(term=term)  # after an unlock, say
    assert SubjectResult.objects.get(student=student).grade == "A"  # 76 is an A in version 1
    assert TermResult.objects.get(student=student).scheme == ours
    draft = TermFactory(number=2, is_current=False)
    mark(AssessmentFactory(term=draft, name="Final", weight=D("100")), student, subject, 76)
    term_results_compute(term=draft)
    assert SubjectResult.objects.get(student=student, term=draft).grade == "B"  # a draft uses version 2


def test_a_published_term_keeps_its_students_and_streams_when_they_move_on(school, admin_a):
    from django.utils import timezone

    term = school["term"]
    term_results_compute(term=term)
    term.results_published_at, term.results_published_by = timezone.now(), admin_a
    term.save(update_fields=["results_published_at", "results_published_by"])
    # after publication: one student leaves, another moves stream (as at year-end promotion)
    school["three"].status, school["three"].stream = "left", None
    school["three"].save(update_fields=["status", "stream"])
    school["two"].stream = school["b"]
    school["two"].save(update_fields=["stream"])
    # an admin unlocks and corrects one mark: the term is recomputed
    school["exam"].marks.filter(student=school["one"], subject=school["subjects"][0]).update(score=D("20"))

    counts = term_results_compute(term=term)

    assert counts["term_results"] == 4 and counts["term_results_removed"] == 0
    assert _term(school["three"], term).stream == school["a"]  # the leaver's published results stay
    assert _term(school["two"], term).stream == school["a"]  # in the stream she was in that term
    assert _subject(school["one"], school["subjects"][0], term).score == D("38.00")  # 24 + 14: regraded
    assert _term(school["one"], term).position_in_stream == 2  # behind Two, still ranked in stream A
