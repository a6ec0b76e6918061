"""The shipped grading presets (NECTA CSEE, FTNA, ACSEE and a percentage/GPA scheme) in every school.

Presets are read-only (is_preset); a school copies one to change it. The data is written out here, not
imported, so this migration keeps meaning what it meant when it was written."""

from decimal import Decimal

from django.db import migrations

D = Decimal

NECTA_O_BANDS = [
    # grade, from, to, points, remark, pass
    ("A", 75, 100, 1, "Excellent", True),
    ("B", 65, 74, 2, "Very good", True),
    ("C", 45, 64, 3, "Good", True),
    ("D", 30, 44, 4, "Satisfactory", True),
    ("F", 0, 29, 5, "Fail", False),
]
NECTA_O_DIVISIONS = [("I", 7, 17), ("II", 18, 21), ("III", 22, 25), ("IV", 26, 33), ("0", 34, 35)]

PRESETS = [
    {
        "code": "necta-csee", "name": "NECTA CSEE (Form 4)",
        "description": "Certificate of Secondary Education Examination: division by the points of the best "
                       "7 subjects.",
        "division_method": "best_n", "division_subjects": 7, "lower_points_better": True,
        "bands": NECTA_O_BANDS, "divisions": NECTA_O_DIVISIONS,
    },
    {
        "code": "necta-ftna", "name": "NECTA FTNA (Form 2)",
        "description": "Form Two National Assessment: the CSEE bands and division by the best 7 subjects.",
        "division_method": "best_n", "division_subjects": 7, "lower_points_better": True,
        "bands": NECTA_O_BANDS, "divisions": NECTA_O_DIVISIONS,
    },
    {
        "code": "necta-acsee", "name": "NECTA ACSEE (Form 6)",
        "description": "Advanced Certificate of Secondary Education Examination: division by the points of "
                       "the 3 principal subjects (subsidiaries never count).",
        "division_method": "principal", "division_subjects": 3, "lower_points_better": True,
        "bands": [
            ("A", 80, 100, 1, "Excellent", True),
            ("B", 70, 79, 2, "Very good", True),
            ("C", 60, 69, 3, "Good", True),
            ("D", 50, 59, 4, "Average", True),
            ("E", 40, 49, 5, "Satisfactory", True),
            ("S", 35, 39, 6, "Subsidiary pass", True),
            ("F", 0, 34, 7, "Fail", False),
        ],
        "divisions": [("I", 3, 9), ("II", 10, 12), ("III", 13, 17), ("IV", 18, 19), ("0", 20, 21)],
    },
    {
        "code": "percentage-gpa", "name": "Percentage and GPA",
        "description": "Letter grades from percentages; the GPA is the mean of the subjects' points.",
        "division_method": "gpa", "division_subjects": None, "lower_points_better": False,
        "bands": [
            ("A", 80, 100, D("4.0"), "Excellent", True),
            ("B", 65, 79, D("3.0"), "Very good", True),
            ("C", 50, 64, D("2.0"), "Good", True),
            ("D", 40, 49, D("1.0"), "Satisfactory", True),
            ("F", 0, 39, D("0"), "Fail", False),
        ],
        "divisions": [],
    },
]


def add_presets(apps, schema_editor):
    GradingScheme = apps.get_model("results", "GradingScheme")
    GradeBand = apps.get_model("results", "GradeBand")
    DivisionBand = apps.get_model("results", "DivisionBand")
    for preset in PRESETS:
        if GradingScheme.objects.filter(code=preset["code"]).exists():
            continue
        scheme = GradingScheme.objects.create(
            code=preset["code"], version=1, name=preset["name"], description=preset["description"],
            is_preset=True, is_current=True, division_method=preset["division_method"],
            division_subjects=preset["division_subjects"], lower_points_better=preset["lower_points_better"])
        GradeBand.objects.bulk_create([
            GradeBand(scheme=scheme, grade=grade, min_mark=D(low), max_mark=D(high), points=D(points),
                      remark=remark, is_pass=is_pass)
            for grade, low, high, points, remark, is_pass in preset["bands"]])
        DivisionBand.objects.bulk_create([
            DivisionBand(scheme=scheme, division=name, min_points=D(low), max_points=D(high))
            for name, low, high in preset["divisions"]])


def remove_presets(apps, schema_editor):
    GradingScheme = apps.get_model("results", "GradingScheme")
    GradingScheme.objects.filter(is_preset=True, code__in=[p["code"] for p in PRESETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]

    operations = [migrations.RunPython(add_presets, remove_presets)]
