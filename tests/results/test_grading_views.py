"""Grading scheme pages: presets listed, the what-if form, copy, the band editor making a new version."""

from django.urls import reverse
from django_tenants.utils import schema_context

from apps.results.models import GradingScheme
from tests.conftest import console_login
from tests.results.factories_grading import preset


def test_list_and_what_if(client, school_a, admin_a):
    console_login(client, school_a, admin_a)
    with schema_context(school_a.schema_name):
        acsee = preset("necta-acsee")
    page = client.get(reverse("results:scheme-list"))
    assert page.status_code == 200
    assert "NECTA CSEE (Form 4)" in page.content.decode() and "NECTA ACSEE (Form 6)" in page.content.decode()
    answer = client.post(reverse("results:scheme-evaluate"), {
        "scheme": acsee.pk, "marks": "PHY 81, CHEM 69.5, MATH 35, GS 90", "principal": "PHY, CHEM, MATH"},
        HTTP_HX_REQUEST="true")
    body = answer.content.decode()
    assert 'data-testid="eval-division">II<' in body and 'data-testid="eval-points">10<' in body
    bad = client.post(reverse("results:scheme-evaluate"), {"scheme": acsee.pk, "marks": "PHY 120"},
                      HTTP_HX_REQUEST="true")
    assert "PHY: a mark must be between 0 and 100" in bad.content.decode()


def test_copy_then_edit_as_a_new_version(client, school_a, admin_a):
    console_login(client, school_a, admin_a)
    with schema_context(school_a.schema_name):
        csee = preset("necta-csee")
    response = client.post(reverse("results:scheme-copy", args=[csee.pk]), {"code": "our-csee", "name": "Ours"})
    with schema_context(school_a.schema_name):
        copy = GradingScheme.objects.get(code="our-csee")
    assert response.status_code == 302 and response["Location"] == reverse("results:scheme-edit", args=[copy.pk])
    assert client.get(reverse("results:scheme-edit", args=[copy.pk])).status_code == 200
    rows = {"band_grade": ["A", "B", "C", "D", "F", ""], "band_min_mark": ["80", "65", "45", "30", "0", ""],
            "band_max_mark": ["100", "79", "64", "44", "29", ""], "band_points": ["1", "2", "3", "4", "5", ""],
            "band_remark": ["Excellent", "Very good", "Good", "Satisfactory", "Fail", ""],
            "band_pass": ["A", "B", "C", "D"],
            "division_division": ["I", "II", "III", "IV", "0"], "division_min_points": ["7", "18", "22", "26", "34"],
            "division_max_points": ["17", "21", "25", "33", "35"], "division_method": "best_n",
            "division_subjects": "7", "lower_points_better": "on", "name": "Ours"}
    bad = client.post(reverse("results:scheme-edit", args=[copy.pk]), {**rows, "band_min_mark": [
        "80", "60", "45", "30", "0", ""]})
    assert bad.status_code == 400 and "overlap" in bad.content.decode()
    good = client.post(reverse("results:scheme-edit", args=[copy.pk]), rows)
    assert good.status_code == 302
    with schema_context(school_a.schema_name):
        current = GradingScheme.objects.get(code="our-csee", is_current=True)
        assert current.version == 2 and current.bands.get(grade="A").min_mark == 80
        assert not current.bands.get(grade="F").is_pass
    # presets are not edited
    response = client.get(reverse("results:scheme-edit", args=[csee.pk]))
    assert response.status_code == 302


def test_teachers_and_other_schools_cannot_edit(client, school_a, school_b, teacher_a, admin_b):
    with schema_context(school_a.schema_name):
        csee = preset("necta-csee")
    console_login(client, school_a, teacher_a)
    assert client.get(reverse("results:scheme-list")).status_code == 403
    assert client.post(reverse("results:scheme-copy", args=[csee.pk]), {"code": "x", "name": "x"}).status_code == 403
    console_login(client, school_b, admin_b)
    client.post(reverse("results:scheme-copy", args=[csee.pk]), {"code": "beta-copy", "name": "Beta's"})
    with schema_context(school_a.schema_name):
        assert not GradingScheme.objects.filter(code__in=["x", "beta-copy"]).exists()
