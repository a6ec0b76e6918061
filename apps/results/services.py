"""Writes for grading schemes and assessments: copy a preset, revise a scheme (a new version), and a term's
assessments with their weights. Every write is validated, atomic and audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from apps.academics.models import Term
from apps.audit.services import audit_record
from apps.results.grading import Band, DivisionRange, bands_validate, divisions_validate
from apps.results.models import Assessment, DivisionBand, GradeBand, GradingScheme, Mark

# --- grading schemes ------------------------------------------------------------------------------


def _decimal(value, *, label: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("%(label)s: %(value)s is not a number.") % {"label": label, "value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(label)s: %(value)s is not a number.") % {"label": label, "value": value})
    return number


def bands_from_data(rows: list[dict]) -> list[Band]:
    """Bands from plain rows {grade, min_mark, max_mark, points, remark, is_pass} (forms, the API)."""
    bands = []
    for row in rows:
        grade = str(row.get("grade", "")).strip()[:5]
        label = _("Band %(grade)s") % {"grade": grade or "?"}
        bands.append(Band(grade=grade, min_mark=_decimal(row.get("min_mark"), label=label),
                          max_mark=_decimal(row.get("max_mark"), label=label),
                          points=_decimal(row.get("points"), label=label),
                          remark=str(row.get("remark", "")).strip()[:60], is_pass=bool(row.get("is_pass", True))))
    return bands


def divisions_from_data(rows: list[dict]) -> list[DivisionRange]:
    divisions = []
    for row in rows:
        name = str(row.get("division", "")).strip()[:5]
        label = _("Division %(name)s") % {"name": name or "?"}
        divisions.append(DivisionRange(division=name, min_points=_decimal(row.get("min_points"), label=label),
                                       max_points=_decimal(row.get("max_points"), label=label)))
    return divisions


def _bands_json(scheme: GradingScheme) -> list:
    return [{"grade": b.grade, "min": str(b.min_mark), "max": str(b.max_mark), "points": str(b.points)}
            for b in scheme.bands.all()]


def _write_rules(scheme: GradingScheme, bands: list[Band], divisions: list[DivisionRange]) -> None:
    GradeBand.objects.bulk_create([
        GradeBand(scheme=scheme, grade=b.grade, min_mark=b.min_mark, max_mark=b.max_mark, points=b.points,
                  remark=b.remark, is_pass=b.is_pass) for b in bands])
    DivisionBand.objects.bulk_create([
        DivisionBand(scheme=scheme, division=d.division, min_points=d.min_points, max_points=d.max_points)
        for d in divisions])


def scheme_copy(*, scheme: GradingScheme, code: str, name: str, actor, request=None) -> GradingScheme:
    """A school's own, editable scheme starting as a copy of `scheme` (a preset or another scheme)."""
    code = slugify(code or "")[:40]
    name = (name or "").strip()[:100]
    if not code:
        raise ValidationError({"code": _("Give the new scheme a code (letters, digits and dashes).")})
    if not name:
        raise ValidationError({"name": _("Give the new scheme a name.")})
    if GradingScheme.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A scheme with the code %(code)s already exists.") % {"code": code}})
    with transaction.atomic():
        copy = GradingScheme.objects.create(
            code=code, version=1, name=name, description=scheme.description, is_preset=False, is_current=True,
            division_method=scheme.division_method, division_subjects=scheme.division_subjects,
            lower_points_better=scheme.lower_points_better, copied_from=scheme, created_by=actor)
        bands = [Band(b.grade, b.min_mark, b.max_mark, b.points, b.remark, b.is_pass) for b in scheme.bands.all()]
        divisions = [DivisionRange(d.division, d.min_points, d.max_points) for d in scheme.divisions.all()]
        _write_rules(copy, bands, divisions)
        audit_record(action="results.scheme_copied", actor=actor, target=copy,
                     detail={"from": f"{scheme.code} v{scheme.version}"}, request=request)
    return copy


def scheme_revise(*, scheme: GradingScheme, bands: list[Band], divisions: list[DivisionRange], actor,
                  name: str | None = None, division_method: str | None = None, division_subjects: int | None = None,
                  lower_points_better: bool | None = None, request=None) -> GradingScheme:
    """A new version of a school's scheme (presets cannot be revised: copy them). The new version becomes
    current; results already computed keep the version they were computed with (a published term keeps
    it on recomputation)."""
    if scheme.is_preset:
        raise ValidationError(_("%(name)s is a preset and cannot be changed; copy it to make your own.")
                              % {"name": scheme.name})
    method = division_method or scheme.division_method
    if method not in GradingScheme.DivisionMethod.values:
        raise ValidationError({"division_method": _("Unknown division rule %(rule)s.") % {"rule": method}})
    subjects = division_subjects if division_subjects is not None else scheme.division_subjects
    if method in ("best_n", "principal") and not (subjects and 1 <= subjects <= 20):
        raise ValidationError({"division_subjects": _("Say how many subjects count for the division (1–20).")})
    bands_validate(bands)
    divisions_validate(divisions, method=method)
    with transaction.atomic():
        current = GradingScheme.objects.select_for_update().filter(code=scheme.code)
        latest = current.aggregate(top=Max("version"))["top"] or 0
        previous = GradingScheme.objects.filter(code=scheme.code, is_current=True).first()
        GradingScheme.objects.filter(code=scheme.code, is_current=True).update(is_current=False)
        revised = GradingScheme.objects.create(
            code=scheme.code, version=latest + 1, name=(name or scheme.name).strip()[:100],
            description=scheme.description, is_preset=False, is_current=True, division_method=method,
            division_subjects=subjects if method in ("best_n", "principal") else None,
            lower_points_better=scheme.lower_points_better if lower_points_better is None else lower_points_better,
            copied_from=scheme.copied_from, created_by=actor)
        _write_rules(revised, bands, divisions)
        audit_record(action="results.scheme_revised", actor=actor, target=revised,
                     changes={"bands": [_bands_json(previous) if previous else [],
                                        [{"grade": b.grade, "min": str(b.min_mark), "max": str(b.max_mark),
                                          "points": str(b.points)} for b in bands]]},
                     detail={"version": revised.version}, request=request)
    return revised


# --- assessments ----------------------------------------------------------------------------------

def _assessment_values(*, name, weight, max_mark, kind) -> dict:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the assessment a name.")
    elif len(name) > 60:
        errors["name"] = _("A name has at most 60 characters.")
    if kind not in Assessment.Kind.values:
        errors["kind"] = _("Choose a kind.")
    try:
        weight = Decimal(str(weight))
        if not weight.is_finite() or not (Decimal("0") < weight <= 100):
            errors["weight"] = _("A weight is more than 0 and at most 100 (%).")
    except (InvalidOperation, ValueError, TypeError):
        errors["weight"] = _("A weight is a number.")
    try:
        max_mark = Decimal(str(max_mark))
        if not max_mark.is_finite() or max_mark < 1 or max_mark > 1000:
            errors["max_mark"] = _("Marks are out of a number from 1 to 1000.")
    except (InvalidOperation, ValueError, TypeError):
        errors["max_mark"] = _("'Out of' is a number.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "weight": weight.quantize(Decimal("0.01")), "max_mark": max_mark.quantize(Decimal("0.01")),
            "kind": kind}


def _weights_after(*, term: Term, exclude_id=None, adding: Decimal) -> Decimal:
    others = Assessment.objects.filter(term=term).exclude(pk=exclude_id).values_list("weight", flat=True)
    return sum(others, Decimal("0")) + adding


def assessment_create(*, term: Term, name: str, weight, max_mark=Decimal("100"), kind: str = "exam",
                      actor, request=None) -> Assessment:
    """A new assessment in a term. The term's weights may not go above 100 %."""
    values = _assessment_values(name=name, weight=weight, max_mark=max_mark, kind=kind)
    with transaction.atomic():
        Term.objects.select_for_update().filter(pk=term.pk).first()  # one weights writer per term
        if Assessment.objects.filter(term=term, name__iexact=values["name"]).exists():
            raise ValidationError({"name": _("%(term)s already has an assessment called %(name)s.")
                                   % {"term": term, "name": values["name"]}})
        total = _weights_after(term=term, adding=values["weight"])
        if total > 100:
            raise ValidationError({"weight": _("The weights of %(term)s would total %(total)s%%; at most 100%%.")
                                   % {"term": term, "total": format(total.normalize(), "f")}})
        order = (Assessment.objects.filter(term=term).aggregate(top=Max("order"))["top"] or 0) + 1
        assessment = Assessment.objects.create(term=term, order=order, **values)
        audit_record(action="results.assessment_created", actor=actor, target=assessment,
                     changes={k: [None, str(v)] for k, v in values.items()}, request=request)
    return assessment


def assessment_update(*, assessment: Assessment, name: str, weight, max_mark, kind: str, actor,
                      request=None) -> Assessment:
    """Change an assessment. Its maximum cannot drop below a mark already entered, nor change once the
    term is published."""
    values = _assessment_values(name=name, weight=weight, max_mark=max_mark, kind=kind)
    term = assessment.term
    with transaction.atomic():
        Term.objects.select_for_update().filter(pk=term.pk).first()
        if term.is_published:
            raise ValidationError(_("%(term)s is published; unpublish it to change its assessments.") % {"term": term})
        if Assessment.objects.filter(term=term, name__iexact=values["name"]).exclude(pk=assessment.pk).exists():
            raise ValidationError({"name": _("%(term)s already has an assessment called %(name)s.")
                                   % {"term": term, "name": values["name"]}})
        total = _weights_after(term=term, exclude_id=assessment.pk, adding=values["weight"])
        if total > 100:
            raise ValidationError({"weight": _("The weights of %(term)s would total %(total)s%%; at most 100%%.")
                                   % {"term": term, "total": format(total.normalize(), "f")}})
        highest = Mark.objects.filter(assessment=assessment).aggregate(top=Max("score"))["top"]
        if highest is not None and highest > values["max_mark"]:
            raise ValidationError({"max_mark": _("A mark of %(mark)s is already entered; 'out of' cannot be lower.")
                                   % {"mark": format(highest.normalize(), "f")}})
        changes = {k: [str(getattr(assessment, k)), str(v)] for k, v in values.items() if getattr(assessment, k) != v}
        for key, value in values.items():
            setattr(assessment, key, value)
        assessment.save(update_fields=list(values))
        if changes:
            audit_record(action="results.assessment_updated", actor=actor, target=assessment, changes=changes,
                         request=request)
    return assessment


def assessment_delete(*, assessment: Assessment, actor, request=None) -> None:
    """Remove an assessment that has no marks yet."""
    with transaction.atomic():
        count = Mark.objects.filter(assessment=assessment).count()
        if count:
            raise ValidationError(_("%(name)s has %(count)s marks entered and cannot be removed.")
                                  % {"name": assessment.name, "count": count})
        audit_record(action="results.assessment_deleted", actor=actor, target=assessment,
                     detail={"term": str(assessment.term), "weight": str(assessment.weight)}, request=request)
        assessment.delete()
