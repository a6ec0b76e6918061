"""Grading rules: every preset's boundaries, divisions (including too few subjects), scheme copy, revision and
validation."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from apps.audit.models import AuditEvent
from apps.results.grading import Band, DivisionRange, bands_validate, divisions_validate, evaluate, grade_for, rule_of
from apps.results.models import GradingScheme
from apps.results.services import bands_from_data, divisions_from_data, scheme_copy, scheme_revise
from tests.results.factories_grading import preset

D = Decimal


def grade(code, score):
    band = grade_for(rule_of(preset(code)).bands, D(str(score)))
    return (band.grade, band.points) if band else None


@pytest.mark.parametrize("code", ["necta-csee", "necta-ftna"])
@pytest.mark.parametrize("score, expected", [
    (100, ("A", 1)), (75, ("A", 1)), ("74.99", ("B", 2)), ("74.5", ("B", 2)), (74, ("B", 2)), (65, ("B", 2)),
    ("64.5", ("C", 3)), (45, ("C", 3)), (44, ("D", 4)), (30, ("D", 4)), ("29.99", ("F", 5)), (0, ("F", 5)),
])
def test_necta_o_level_boundaries(in_school_a, code, score, expected):
    assert grade(code, score) == expected


@pytest.mark.parametrize("score, expected", [
    (80, ("A", 1)), ("79.5", ("B", 2)), (70, ("B", 2)), (69, ("C", 3)), (60, ("C", 3)), (59, ("D", 4)),
    (50, ("D", 4)), (49, ("E", 5)), (40, ("E", 5)), (39, ("S", 6)), (35, ("S", 6)), ("34.99", ("F", 7)),
    (34, ("F", 7)), (0, ("F", 7)),
])
def test_acsee_boundaries(in_school_a, score, expected):
    assert grade("necta-acsee", score) == expected


@pytest.mark.parametrize("score, expected", [(80, ("A", 4)), ("79.9", ("B", 3)), (65, ("B", 3)), (50, ("C", 2)),
                                             (40, ("D", 1)), ("39.99", ("F", 0))])
def test_percentage_gpa_boundaries(in_school_a, score, expected):
    assert grade("percentage-gpa", score) == expected


def test_presets_are_read_only_copies_in_every_school(in_school_a, school_b):
    codes = set(GradingScheme.objects.filter(is_preset=True).values_list("code", flat=True))
    assert codes == {"necta-csee", "necta-ftna", "necta-acsee", "percentage-gpa"}
    assert [b.remark for b in preset("necta-csee").bands.order_by("-min_mark")] == [
        "Excellent", "Very good", "Good", "Satisfactory", "Fail"]
    with schema_context(school_b.schema_name):
        assert GradingScheme.objects.filter(is_preset=True).count() == 4


def seven(score):
    return {f"S{i}": score for i in range(7)}


@pytest.mark.parametrize("marks, points, division", [
    (seven(80), 7, "I"),  # the best possible
    ({**seven(80), "S5": 70, "S6": 50}, 10, "I"),  # 5×1 + 2 + 3
    ({**{f"S{i}": 70 for i in range(4)}, "S4": 50, "S5": 50, "S6": 50}, 17, "I"),  # 4×2 + 3×3
    ({**{f"S{i}": 70 for i in range(3)}, "S3": 50, "S4": 50, "S5": 50, "S6": 50}, 18, "II"),
    (seven(50), 21, "II"),
    ({**seven(50), "S6": 35}, 22, "III"),
    (seven(35), 28, "IV"),
    ({**seven(10), "S0": 35}, 34, "0"),
    (seven(10), 35, "0"),
])
def test_csee_divisions(in_school_a, marks, points, division):
    outcome = evaluate(scheme=preset("necta-csee"), marks=marks)
    assert (outcome["total_points"], outcome["division"]) == (D(points), division)


def test_csee_counts_the_best_seven_of_more(in_school_a):
    marks = {**seven(80), "S7": 0, "S8": 10}
    outcome = evaluate(scheme=preset("necta-csee"), marks=marks)
    assert outcome["total_points"] == 7 and outcome["division"] == "I"
    assert {s["code"] for s in outcome["subjects"] if s["counted"]} == {f"S{i}" for i in range(7)}


def test_csee_with_fewer_than_seven_subjects_sat_has_no_division(in_school_a):
    marks = {**{f"S{i}": 80 for i in range(6)}, "S6": None}  # one absent
    outcome = evaluate(scheme=preset("necta-csee"), marks=marks)
    assert outcome["division"] == "INC" and outcome["total_points"] is None
    assert "7 subjects are needed" in outcome["note"]
    assert [s["grade"] for s in outcome["subjects"] if s["absent"]] == [""]


def test_acsee_counts_three_principal_subjects(in_school_a):
    scheme = preset("necta-acsee")
    marks = {"PHY": 81, "CHEM": "69.5", "MATH": 35, "GS": 95}
    outcome = evaluate(scheme=scheme, marks=marks, principal=["PHY", "CHEM", "MATH"])
    assert (outcome["total_points"], outcome["division"]) == (D(10), "II")
    assert not next(s for s in outcome["subjects"] if s["code"] == "GS")["counted"]
    assert evaluate(scheme=scheme, marks={"A": 80, "B": 80, "C": 80})["division"] == "I"  # 3
    assert evaluate(scheme=scheme, marks={"A": 34, "B": 34, "C": 34})["division"] == "0"  # 21
    short = evaluate(scheme=scheme, marks={"PHY": 90, "CHEM": 90, "GS": 90}, principal=["PHY", "CHEM"])
    assert short["division"] == "INC" and "3 principal subjects" in short["note"]


def test_acsee_division_iv_at_19(in_school_a):
    outcome = evaluate(scheme=preset("necta-acsee"), marks={"A": 35, "B": 35, "C": 34})
    assert (outcome["total_points"], outcome["division"]) == (D(19), "IV")


def test_gpa_is_the_mean_of_points(in_school_a):
    outcome = evaluate(scheme=preset("percentage-gpa"), marks={"A": 85, "B": 70, "C": 30})
    assert outcome["total_points"] == D("2.33") and outcome["division"] == ""


@pytest.mark.parametrize("marks, message", [
    ({"MATH": 101}, "MATH: a mark must be between 0 and 100"),
    ({"MATH": -1}, "MATH: a mark must be between 0 and 100"),
    ({"PHY": "lots"}, "PHY: lots is not a number"),
])
def test_evaluate_refuses_bad_marks_naming_the_subject(in_school_a, marks, message):
    with pytest.raises(ValidationError) as error:
        evaluate(scheme=preset("necta-csee"), marks=marks)
    assert message in str(error.value)


def B(grade, low, high, points):  # noqa: N802
    return Band(grade, D(low), D(high), D(points))


@pytest.mark.parametrize("bands, message", [
    ([B("A", 50, 100, 1), B("F", 0, 50, 2)], "overlap"),
    ([B("A", 60, 100, 1), B("F", 0, 49, 2)], "have no grade"),
    ([B("A", 50, 100, 1), B("F", 5, 49, 2)], "must start at 0"),
    ([B("A", 50, 99, 1), B("F", 0, 49, 2)], "must end at 100"),
    ([B("A", 50, 100, 1), B("A", 0, 49, 2)], "more than once"),
    ([B("A", 50, 40, 1), B("F", 0, 49, 2)], "ends (40) before it starts"),
    ([], "at least one"),
])
def test_band_validation(bands, message):
    with pytest.raises(ValidationError) as error:
        bands_validate(bands)
    assert message in str(error.value)


def test_division_validation():
    with pytest.raises(ValidationError, match="overlap"):
        divisions_validate([DivisionRange("I", D(7), D(17)), DivisionRange("II", D(17), D(21))], method="best_n")
    with pytest.raises(ValidationError, match="needs division bands"):
        divisions_validate([], method="best_n")
    divisions_validate([], method="gpa")


def test_copy_a_preset_then_revise_it_as_a_new_version(in_school_a, admin_a):
    source = preset("necta-csee")
    copy = scheme_copy(scheme=source, code="our-csee", name="Our CSEE", actor=admin_a)
    assert not copy.is_preset and copy.version == 1 and copy.bands.count() == 5 and copy.divisions.count() == 5
    assert copy.copied_from == source
    bands = bands_from_data([
        {"grade": "A", "min_mark": "80", "max_mark": "100", "points": "1", "remark": "Excellent"},
        {"grade": "B", "min_mark": "65", "max_mark": "79", "points": "2"},
        {"grade": "C", "min_mark": "45", "max_mark": "64", "points": "3"},
        {"grade": "D", "min_mark": "30", "max_mark": "44", "points": "4"},
        {"grade": "F", "min_mark": "0", "max_mark": "29", "points": "5", "is_pass": False},
    ])
    divisions = divisions_from_data([{"division": d.division, "min_points": d.min_points,
                                      "max_points": d.max_points} for d in source.divisions.all()])
    revised = scheme_revise(scheme=copy, bands=bands, divisions=divisions, actor=admin_a)
    copy.refresh_from_db()
    assert (revised.version, revised.is_current, copy.is_current) == (2, True, False)
    assert grade_for(rule_of(revised).bands, D("78")).grade == "B"
    assert grade_for(rule_of(copy).bands, D("78")).grade == "A"  # the old version keeps its bands
    assert AuditEvent.objects.filter(action__in=["results.scheme_copied", "results.scheme_revised"]).count() == 2


def test_presets_cannot_be_revised_and_bad_bands_write_nothing(in_school_a, admin_a):
    with pytest.raises(ValidationError, match="preset"):
        scheme_revise(scheme=preset("necta-csee"), bands=[], divisions=[], actor=admin_a)
    copy = scheme_copy(scheme=preset("necta-csee"), code="ours", name="Ours", actor=admin_a)
    with pytest.raises(ValidationError, match="overlap"):
        scheme_revise(scheme=copy, bands=[B("A", 50, 100, 1), B("F", 0, 60, 5)],
                      divisions=[DivisionRange("I", D(7), D(35))], actor=admin_a)
    assert GradingScheme.objects.filter(code="ours").count() == 1
    with pytest.raises(ValidationError, match="already exists"):
        scheme_copy(scheme=preset("necta-csee"), code="ours", name="Again", actor=admin_a)
    with pytest.raises(ValidationError, match="is not a number"):
        bands_from_data([{"grade": "A", "min_mark": "x", "max_mark": "100", "points": "1"}])


def test_scheme_edits_are_per_school(in_school_a, admin_a, school_b):
    scheme_copy(scheme=preset("necta-csee"), code="alpha-csee", name="Alpha's", actor=admin_a)
    with schema_context(school_b.schema_name):
        assert not GradingScheme.objects.filter(code="alpha-csee").exists()
