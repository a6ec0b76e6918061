"""Exams and what comes of them: grading schemes (data, versioned), assessments with weights, marks
and their hash-chained history, tamper flags, computed term results, and report cards."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.academics.models import SchoolClass, Stream, Student, Subject, Term


class GradingScheme(models.Model):
    """Grade bands and a division rule. Editing makes a new version (same code); results keep the
    version they were computed with. Presets ship with the product; a school copies one to edit it."""

    class DivisionMethod(models.TextChoices):
        NONE = "none", _("No division")
        BEST_N = "best_n", _("Best N subjects' points (NECTA CSEE/FTNA)")
        PRINCIPAL = "principal", _("Principal subjects' points (NECTA ACSEE)")
        GPA = "gpa", _("Average of points (GPA)")

    code = models.SlugField(_("code"), max_length=40)  # "necta-csee"
    version = models.PositiveIntegerField(default=1)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    is_preset = models.BooleanField(default=False)  # shipped presets cannot be edited, only copied
    is_current = models.BooleanField(default=True)  # the version new results use
    division_method = models.CharField(_("division rule"), max_length=20, choices=DivisionMethod.choices,
                                       default=DivisionMethod.NONE)
    division_subjects = models.PositiveSmallIntegerField(_("subjects counted"), null=True, blank=True)  # 7, 3
    # lower points are better in NECTA schemes; higher in a GPA
    lower_points_better = models.BooleanField(default=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="results_scheme_version_unique"),
            models.UniqueConstraint(fields=["code"], condition=Q(is_current=True), name="results_scheme_one_current"),
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class GradeBand(models.Model):
    scheme = models.ForeignKey(GradingScheme, on_delete=models.CASCADE, related_name="bands")
    grade = models.CharField(_("grade"), max_length=5)
    min_mark = models.DecimalField(_("from"), max_digits=5, decimal_places=2,
                                   validators=[MinValueValidator(0), MaxValueValidator(100)])
    max_mark = models.DecimalField(_("to"), max_digits=5, decimal_places=2,
                                   validators=[MinValueValidator(0), MaxValueValidator(100)])
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=2)
    remark = models.CharField(_("remark"), max_length=60, blank=True)  # "Excellent"
    is_pass = models.BooleanField(default=True)

    class Meta:
        ordering = ["-min_mark"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "grade"], name="results_band_grade_unique"),
            models.CheckConstraint(condition=Q(max_mark__gte=models.F("min_mark")), name="results_band_range"),
        ]

    def __str__(self):
        return f"{self.grade} {self.min_mark}-{self.max_mark}"


class DivisionBand(models.Model):
    scheme = models.ForeignKey(GradingScheme, on_delete=models.CASCADE, related_name="divisions")
    division = models.CharField(_("division"), max_length=5)  # "I", "II", "0"
    min_points = models.DecimalField(_("from points"), max_digits=5, decimal_places=2)
    max_points = models.DecimalField(_("to points"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["min_points"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "division"], name="results_division_unique"),
            models.CheckConstraint(condition=Q(max_points__gte=models.F("min_points")), name="results_division_range"),
        ]


class Assessment(models.Model):
    """A piece of a term's result: continuous assessment 30 %, terminal exam 70 %."""

    class Kind(models.TextChoices):
        CONTINUOUS = "continuous", _("Continuous assessment")
        TEST = "test", _("Test")
        EXAM = "exam", _("Exam")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="assessments")
    name = models.CharField(_("name"), max_length=60)  # "Midterm", "Terminal"
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.EXAM)
    weight = models.DecimalField(_("weight (%)"), max_digits=5, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(100)])
    max_mark = models.DecimalField(_("out of"), max_digits=6, decimal_places=2, default=Decimal("100"),
                                   validators=[MinValueValidator(Decimal("1"))])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["term", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "name"], name="results_assessment_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0, weight__lte=100), name="results_assessment_weight"),
            models.CheckConstraint(condition=Q(max_mark__gt=0), name="results_assessment_max"),
        ]

    def __str__(self):
        return f"{self.name} ({self.weight}%)"


class Mark(models.Model):
    """One student's mark in one subject for one assessment: a score, blank (none yet) or absent."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="marks")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="marks")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="marks")
    score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    is_absent = models.BooleanField(default=False)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "student", "subject"], name="results_mark_unique"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="results_mark_not_negative"),
            models.CheckConstraint(condition=~Q(is_absent=True, score__isnull=False), name="results_mark_absent_blank"),
        ]
        indexes = [models.Index(fields=["assessment", "subject"]), models.Index(fields=["student", "subject"])]


class MarkChange(models.Model):
    """Append-only, hash-chained history of every mark change (PostgreSQL refuses UPDATE/DELETE)."""

    mark = models.ForeignKey(Mark, on_delete=models.PROTECT, related_name="changes")
    # denormalised so the history and the review queue read without joins and survive renames
    assessment_id_at = models.BigIntegerField()
    student_id_at = models.BigIntegerField()
    subject_id_at = models.BigIntegerField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(db_index=True)
    old_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    new_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    old_absent = models.BooleanField(default=False)
    new_absent = models.BooleanField(default=False)
    reason = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["actor", "created_at"])]


class MarkFlag(models.Model):
    """A change that looks suspicious, waiting for a school admin to accept or revert it."""

    class Rule(models.TextChoices):
        AFTER_PUBLICATION = "after_publication", _("Changed after publication")
        NOT_ASSIGNED = "not_assigned", _("Changed by someone other than the subject teacher")
        JUMP = "jump", _("Unusual jump from the student's earlier results")
        BURST = "burst", _("Many changes in a short time")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REVERTED = "reverted", _("Reverted")

    change = models.ForeignKey(MarkChange, on_delete=models.PROTECT, related_name="flags")
    rule = models.CharField(max_length=30, choices=Rule.choices)
    detail = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["change", "rule"], name="results_flag_unique")]


class TamperPolicy(models.Model):
    """The school's thresholds for flagging changes (one row; defaults apply until it is saved)."""

    jump_sd = models.DecimalField(_("jump in standard deviations"), max_digits=4, decimal_places=2,
                                  default=Decimal("2.5"))
    jump_marks = models.DecimalField(_("jump in marks"), max_digits=5, decimal_places=2, default=Decimal("30"))
    burst_changes = models.PositiveSmallIntegerField(_("changes"), default=30)
    burst_minutes = models.PositiveSmallIntegerField(_("within minutes"), default=10)
    updated_at = models.DateTimeField(auto_now=True)


class MarkUnlock(models.Model):
    """After publication, an admin reopens one stream's subject (or all its subjects) with a reason."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="mark_unlocks")
    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="mark_unlocks")
    subject = models.ForeignKey(Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    unlocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    unlocked_at = models.DateTimeField(auto_now_add=True)
    relocked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-unlocked_at"]
        constraints = [models.CheckConstraint(condition=Q(reason__regex=r"\S"), name="results_unlock_reason")]


class SubjectResult(models.Model):
    """Computed: a student's weighted score, grade and rank in one subject for a term."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="subject_results")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="subject_results")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)  # out of 100
    is_absent = models.BooleanField(default=False)
    grade = models.CharField(max_length=5, blank=True)
    points = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    remark = models.CharField(max_length=60, blank=True)
    position_in_stream = models.PositiveIntegerField(null=True, blank=True)
    position_in_class = models.PositiveIntegerField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "student", "subject"], name="results_subject_unique")]
        indexes = [models.Index(fields=["term", "stream", "subject"]), models.Index(fields=["term", "school_class", "subject"])]


class TermResult(models.Model):
    """Computed: a student's term in one row (total, average, points, division, positions).
    Remarks are written by people and survive recomputation."""

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="term_results")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="term_results")
    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="+")
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="+")
    scheme = models.ForeignKey(GradingScheme, null=True, on_delete=models.PROTECT, related_name="+")
    subjects_count = models.PositiveSmallIntegerField(default=0)
    total = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    average = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    points = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    division = models.CharField(max_length=5, blank=True)
    position_in_stream = models.PositiveIntegerField(null=True, blank=True)
    position_in_class = models.PositiveIntegerField(null=True, blank=True)
    stream_size = models.PositiveIntegerField(default=0)
    class_size = models.PositiveIntegerField(default=0)
    class_teacher_remark = models.CharField(_("class teacher's remark"), max_length=500, blank=True)
    head_teacher_remark = models.CharField(_("head teacher's remark"), max_length=500, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["position_in_stream"]
        constraints = [models.UniqueConstraint(fields=["term", "student"], name="results_term_result_unique")]
        indexes = [models.Index(fields=["term", "stream", "position_in_stream"]),
                   models.Index(fields=["term", "school_class", "position_in_class"])]


class ReportCard(models.Model):
    """A rendered PDF report card; `verification_code` is what its QR code carries to /verify/<code>."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="report_cards")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="report_cards")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="report-cards/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    verification_code = models.CharField(max_length=64, unique=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["term", "student"], name="results_report_card_unique")]
