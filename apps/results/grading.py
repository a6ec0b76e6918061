"""Grading schemes as rules: which grade a score earns, how a student's points and division follow, and
the validation of a scheme's bands. Pure functions; the database computation (apps.results.computation)
follows exactly the same rules in SQL, and tests hold the two together.

Rules, decided once:
- A score is out of 100 and may carry decimals. It earns the band with the highest `min_mark` not above
  it: bands cover [min_mark, next band's min_mark), so 74.5 in NECTA CSEE is a B (B 65–74, A from 75).
  `max_mark` is what people read ("65–74"); the top band's `max_mark` must be 100.
- Division, NECTA CSEE/FTNA (best_n): the points of the best N (7) subjects sat. A candidate who sat
  fewer than N subjects gets no division: "INC" (incomplete), and no points.
- Division, NECTA ACSEE (principal): the points of the best N (3) principal subjects (subsidiaries never
  count); fewer than N principal subjects sat → "INC".
- GPA: the mean of the points of the subjects sat; no division unless the scheme has division bands.
- An absent subject (no score at all) has no grade, earns no points and does not count as sat.
- Division bands are matched the same way as grades: the band with the highest `min_points` not above
  the points, up to the top band's `max_points`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

INCOMPLETE = "INC"
HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    grade: str
    min_mark: Decimal
    max_mark: Decimal
    points: Decimal
    remark: str = ""
    is_pass: bool = True


@dataclass(frozen=True)
class DivisionRange:
    division: str
    min_points: Decimal
    max_points: Decimal


@dataclass(frozen=True)
class Rule:
    """A scheme reduced to what grading needs (from a GradingScheme row or from plain data)."""

    method: str  # GradingScheme.DivisionMethod value
    subjects: int | None
    lower_points_better: bool
    bands: tuple[Band, ...]
    divisions: tuple[DivisionRange, ...]


def _dec(value) -> Decimal:
    if isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def rule_of(scheme) -> Rule:
    """The Rule of a GradingScheme (prefetch `bands` and `divisions` to keep it to no extra query)."""
    bands = tuple(Band(b.grade, b.min_mark, b.max_mark, b.points, b.remark, b.is_pass) for b in scheme.bands.all())
    divisions = tuple(DivisionRange(d.division, d.min_points, d.max_points) for d in scheme.divisions.all())
    return Rule(method=scheme.division_method, subjects=scheme.division_subjects,
                lower_points_better=scheme.lower_points_better,
                bands=tuple(sorted(bands, key=lambda b: b.min_mark, reverse=True)),
                divisions=tuple(sorted(divisions, key=lambda d: d.min_points)))


def grade_for(scheme_bands, score) -> Band | None:
    """The band a score (out of 100) earns: the highest band whose `min_mark` is not above it.
    None for no score (absent) or a score below every band."""
    if score is None:
        return None
    score = _dec(score)
    best = None
    for band in scheme_bands:
        band_min = _dec(band.min_mark)
        if band_min <= score and (best is None or band_min > _dec(best.min_mark)):
            best = band
    return best


def division_for(divisions, points) -> str:
    """The division a points figure falls in ('' when none does)."""
    if points is None:
        return ""
    ordered = sorted(divisions, key=lambda d: _dec(d.min_points))
    found = ""
    for index, band in enumerate(ordered):
        if _dec(band.min_points) <= points:
            last = index == len(ordered) - 1
            if not last or points <= _dec(band.max_points):
                found = band.division
    return found


def round2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def points_and_division(rule: Rule, graded: list[dict]) -> dict:
    """Points and division from graded subjects: dicts with `code`, `points` (None: absent/ungraded),
    `score` and `principal` (bool). Marks the counted subjects (`counted`). Returns points, division,
    counted codes, and `note` saying why there is no division."""
    method = rule.method
    sat = [g for g in graded if g["points"] is not None]
    if method in ("best_n", "principal"):
        needed = rule.subjects or 0
        eligible = [g for g in sat if method == "best_n" or g["principal"]]
        sign = 1 if rule.lower_points_better else -1
        eligible.sort(key=lambda g: (sign * g["points"], -(g["score"] or 0)))
        if len(eligible) < needed:
            if method == "principal":
                note = _("%(needed)s principal subjects are needed for a division; %(have)s sat.") % {
                    "needed": needed, "have": len(eligible)}
            else:
                note = _("%(needed)s subjects are needed for a division; %(have)s sat.") % {
                    "needed": needed, "have": len(eligible)}
            return {"points": None, "division": INCOMPLETE, "counted": [], "note": note}
        best = eligible[:needed]
        points = sum((g["points"] for g in best), Decimal("0"))
        return {"points": points, "division": division_for(rule.divisions, points),
                "counted": [g["code"] for g in best], "note": ""}
    if method == "gpa":
        if not sat:
            return {"points": None, "division": "", "counted": [], "note": _("No subject was sat.")}
        points = round2(sum((g["points"] for g in sat), Decimal("0")) / len(sat))
        return {"points": points, "division": division_for(rule.divisions, points) if rule.divisions else "",
                "counted": [g["code"] for g in sat], "note": ""}
    return {"points": None, "division": "", "counted": [], "note": ""}


def evaluate(*, scheme, marks: dict, principal: list[str] | None = None) -> dict:
    """What a set of marks earns under a scheme (a GradingScheme or a Rule): each subject's grade and
    points, the total points and the division. `marks` maps subject codes to a score out of 100 or None
    (absent). For a principal-subjects scheme, `principal` lists the principal subjects (None: all)."""
    rule = scheme if isinstance(scheme, Rule) else rule_of(scheme)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Decimal | None] = {}
    for code, raw in marks.items():
        code = str(code).strip()
        if raw is None or raw == "":
            clean[code] = None
            continue
        try:
            value = _dec(raw)
        except (InvalidOperation, ValueError, TypeError):
            errors.setdefault("marks", []).append(
                _("%(code)s: %(value)s is not a number.") % {"code": code, "value": raw})
            continue
        if not value.is_finite() or value < 0 or value > HUNDRED:
            errors.setdefault("marks", []).append(
                _("%(code)s: a mark must be between 0 and 100, not %(value)s.") % {"code": code, "value": raw})
            continue
        clean[code] = round2(value)
    if principal is not None:
        unknown = [code for code in principal if code not in clean]
        if unknown:
            errors["principal"] = [_("Principal subjects without a mark: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if errors:
        raise ValidationError(errors)
    principal_set = set(principal) if principal is not None else None
    graded = []
    for code, score in clean.items():
        band = grade_for(rule.bands, score)
        graded.append({
            "code": code, "score": score, "absent": score is None,
            "grade": band.grade if band else "", "points": band.points if band else None,
            "remark": band.remark if band else "", "is_pass": band.is_pass if band else False,
            "principal": principal_set is None or code in principal_set,
        })
    outcome = points_and_division(rule, graded)
    counted = set(outcome["counted"])
    sat = [g for g in graded if g["score"] is not None]
    average = round2(sum((g["score"] for g in sat), Decimal("0")) / len(sat)) if sat else None
    subjects = [{**g, "counted": g["code"] in counted} for g in graded]
    return {"subjects": subjects, "total_points": outcome["points"], "division": outcome["division"],
            "note": outcome["note"], "average": average,
            "total": sum((g["score"] for g in sat), Decimal("0")) if sat else None}


# --- validation -----------------------------------------------------------------------------------

def bands_validate(bands: list[Band]) -> None:
    """Bands must cover 0–100 without overlaps or gaps: the lowest starts at 0, the highest ends at 100,
    each band ends below the next one's start and no more than 1 mark before it (the marks in between,
    like 74.5, belong to the lower band). Raises ValidationError naming the band."""
    if not bands:
        raise ValidationError(_("A scheme needs at least one grade band."))
    errors = []
    grades = [b.grade.strip() for b in bands]
    if any(not g for g in grades):
        errors.append(_("Every band needs a grade."))
    duplicates = sorted({g for g in grades if g and grades.count(g) > 1})
    if duplicates:
        errors.append(_("Grades appear more than once: %(grades)s.") % {"grades": ", ".join(duplicates)})
    for b in bands:
        if not (0 <= b.min_mark <= HUNDRED and 0 <= b.max_mark <= HUNDRED):
            errors.append(_("Band %(grade)s: marks must be between 0 and 100.") % {"grade": b.grade})
        elif b.max_mark < b.min_mark:
            errors.append(_("Band %(grade)s ends (%(max)s) before it starts (%(min)s).") % {
                "grade": b.grade, "max": b.max_mark, "min": b.min_mark})
    if errors:
        raise ValidationError(errors)
    ordered = sorted(bands, key=lambda b: b.min_mark)
    if ordered[0].min_mark != 0:
        errors.append(_("The lowest band (%(grade)s) must start at 0, not %(min)s.") % {
            "grade": ordered[0].grade, "min": ordered[0].min_mark})
    if ordered[-1].max_mark != HUNDRED:
        errors.append(_("The highest band (%(grade)s) must end at 100, not %(max)s.") % {
            "grade": ordered[-1].grade, "max": ordered[-1].max_mark})
    for low, high in zip(ordered, ordered[1:], strict=False):
        if low.max_mark >= high.min_mark:
            errors.append(_("Bands %(a)s (%(amin)s–%(amax)s) and %(b)s (%(bmin)s–%(bmax)s) overlap.") % {
                "a": low.grade, "amin": low.min_mark, "amax": low.max_mark,
                "b": high.grade, "bmin": high.min_mark, "bmax": high.max_mark})
        elif high.min_mark - low.max_mark > 1:
            errors.append(_("Marks between %(amax)s and %(bmin)s (after %(a)s, before %(b)s) have no grade.") % {
                "a": low.grade, "amax": low.max_mark, "b": high.grade, "bmin": high.min_mark})
    if errors:
        raise ValidationError(errors)


def divisions_validate(divisions: list[DivisionRange], *, method: str) -> None:
    """Division bands: each with a name, from ≤ to, ordered without overlaps. Needed for the NECTA rules."""
    errors = []
    if method in ("best_n", "principal") and not divisions:
        errors.append(_("This division rule needs division bands."))
    names = [d.division.strip() for d in divisions]
    if any(not n for n in names):
        errors.append(_("Every division band needs a name."))
    duplicates = sorted({n for n in names if n and names.count(n) > 1})
    if duplicates:
        errors.append(_("Divisions appear more than once: %(names)s.") % {"names": ", ".join(duplicates)})
    for d in divisions:
        if d.min_points < 0:
            errors.append(_("Division %(name)s: points cannot be negative.") % {"name": d.division})
        if d.max_points < d.min_points:
            errors.append(_("Division %(name)s ends (%(max)s) before it starts (%(min)s).") % {
                "name": d.division, "max": d.max_points, "min": d.min_points})
    if errors:
        raise ValidationError(errors)
    ordered = sorted(divisions, key=lambda d: d.min_points)
    for low, high in zip(ordered, ordered[1:], strict=False):
        if low.max_points >= high.min_points:
            errors.append(_("Divisions %(a)s (%(amin)s–%(amax)s) and %(b)s (%(bmin)s–%(bmax)s) overlap.") % {
                "a": low.division, "amin": low.min_points, "amax": low.max_points,
                "b": high.division, "bmin": high.min_points, "bmax": high.max_points})
    if errors:
        raise ValidationError(errors)
