"""A school's structure and people: years and terms, classes and streams, subjects and who teaches
them, rooms, students with their status history, and guardians (each a parent user who can sign in).

Rows are written only through apps.academics.services; reads for a user go through selectors."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from apps.core.fields import EncryptedTextField


class SchoolProfile(models.Model):
    """The school's own details as printed on report cards: one row per school."""

    name = models.CharField(_("name"), max_length=200)
    motto = models.CharField(_("motto"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164
    email = models.EmailField(_("email"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="branding/", blank=True)
    primary_colour = models.CharField(_("primary colour"), max_length=7, default="#1f4e79")
    head_teacher_name = models.CharField(_("head teacher"), max_length=200, blank=True)
    # "{year}/{seq:04d}" -> 2026/0001; placeholders: {year} (admission year), {seq} (running number)
    admission_number_pattern = models.CharField(_("admission number pattern"), max_length=60,
                                                default="{year}/{seq:04d}")
    next_admission_seq = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(primary_colour__regex=r"^#[0-9a-fA-F]{6}$"),
                                              name="academics_profile_colour_hex")]

    def __str__(self):
        return self.name


class AcademicYear(models.Model):
    name = models.CharField(_("name"), max_length=40, unique=True)  # "2026"
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True),
                                    name="academics_one_current_year"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="academics_year_dates"),
        ]

    def __str__(self):
        return self.name


class Term(models.Model):
    year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)  # "Term 1"
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_current = models.BooleanField(_("current"), default=False)
    # registers dated on or before this day can be changed only by a school admin (audited)
    attendance_frozen_through = models.DateField(_("registers frozen through"), null=True, blank=True)
    # results are drafts until published; afterwards marks are locked (apps.results)
    results_published_at = models.DateTimeField(null=True, blank=True)
    results_published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["year__starts_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="academics_term_number_unique"),
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True),
                                    name="academics_one_current_term"),
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="academics_term_dates"),
        ]

    def __str__(self):
        return f"{self.name} {self.year.name}"

    @property
    def is_published(self) -> bool:
        return self.results_published_at is not None


class Room(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class SchoolClass(models.Model):
    """A level of the school (Form 1, Standard 7), divided into streams."""

    name = models.CharField(_("name"), max_length=60, unique=True)  # "Form 1"
    level = models.PositiveSmallIntegerField(_("level"), unique=True)  # order; promotion goes up one level
    # the class a stream moves to at year end; none: the final class, whose students graduate
    next_class = models.OneToOneField("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="previous_class")
    grading_scheme = models.ForeignKey("results.GradingScheme", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="classes")

    class Meta:
        ordering = ["level"]
        verbose_name = _("class")
        verbose_name_plural = _("classes")

    def __str__(self):
        return self.name


class Stream(models.Model):
    school_class = models.ForeignKey(SchoolClass, on_delete=models.PROTECT, related_name="streams")
    name = models.CharField(_("name"), max_length=20)  # "A"
    class_teacher = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="streams_led")
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="streams")
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)

    class Meta:
        ordering = ["school_class__level", "name"]
        constraints = [models.UniqueConstraint(fields=["school_class", "name"], name="academics_stream_unique")]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        # select_related("school_class") in selectors keeps this free
        return f"{self.school_class.name}{self.name}" if len(self.name) <= 2 else f"{self.school_class.name} {self.name}"


class Subject(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)  # "MATH", "PHY"
    name = models.CharField(_("name"), max_length=100)
    is_core = models.BooleanField(_("core"), default=True)  # core: every student of the class takes it
    # A-level subsidiaries (General Studies, BAM) are graded but never count as principal subjects
    is_subsidiary = models.BooleanField(_("subsidiary"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ClassSubject(models.Model):
    """A subject taught in a class (the class's curriculum)."""

    school_class = models.ForeignKey(SchoolClass, on_delete=models.CASCADE, related_name="class_subjects")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="class_subjects")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["school_class", "subject"], name="academics_class_subject")]


class TeachingAssignment(models.Model):
    """Who teaches a subject to a stream: the teacher may take its marks, and sees its students."""

    stream = models.ForeignKey(Stream, on_delete=models.CASCADE, related_name="assignments")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="assignments")
    teacher = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")

    class Meta:
        ordering = ["stream__school_class__level", "stream__name", "subject__order", "subject__code"]
        constraints = [models.UniqueConstraint(fields=["stream", "subject"], name="academics_assignment_unique")]
        indexes = [models.Index(fields=["teacher", "stream"])]


class Student(models.Model):
    class Sex(models.TextChoices):
        FEMALE = "F", _("Female")
        MALE = "M", _("Male")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        TRANSFERRED = "transferred", _("Transferred")
        GRADUATED = "graduated", _("Graduated")
        LEFT = "left", _("Left")

    admission_number = models.CharField(_("admission number"), max_length=40)
    first_name = models.CharField(_("first name"), max_length=100)
    middle_name = models.CharField(_("middle name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    photo = models.ImageField(_("photo"), upload_to="students/", blank=True)
    stream = models.ForeignKey(Stream, null=True, blank=True, on_delete=models.PROTECT, related_name="students")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    admitted_on = models.DateField(_("admitted on"), null=True, blank=True)
    medical_notes = EncryptedTextField(_("medical notes"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # a student who signs in to the portal (optional)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="student")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "admission_number"]
        constraints = [
            models.UniqueConstraint(Lower("admission_number"), name="academics_admission_number_unique"),
            # an active student sits in a stream
            models.CheckConstraint(condition=~Q(status="active") | Q(stream__isnull=False),
                                   name="academics_active_student_has_stream"),
        ]
        indexes = [models.Index(fields=["stream", "status"]), models.Index(Lower("last_name"), name="academics_student_last")]

    def __str__(self):
        return f"{self.full_name} ({self.admission_number})"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.middle_name, self.last_name) if part)


class StudentStatusChange(models.Model):
    """A student's history: admission, stream moves, promotion, transfer, graduation, leaving."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    from_stream = models.ForeignKey(Stream, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_stream = models.ForeignKey(Stream, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    effective_on = models.DateField()
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]


class Guardian(models.Model):
    """A parent or guardian: a user of role parent, who sees only his own children. A guardian who also
    works at the school has a second user, with a staff role, named in `staff_member` (a user holds one
    role, so the parent user cannot be the staff one); his children get the staff-child discount."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="guardian")
    phone = models.CharField(_("phone"), max_length=20, blank=True)  # E.164: +255712345678
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    staff_member = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="guardian_as_staff", verbose_name=_("works at the school as"))
    students = models.ManyToManyField(Student, through="StudentGuardian", related_name="guardians")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""),
                                               name="academics_guardian_phone_unique")]

    def __str__(self):
        return self.user.display_name


class StudentGuardian(models.Model):
    class Relationship(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        GUARDIAN = "guardian", _("Guardian")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Sibling")
        SPONSOR = "sponsor", _("Sponsor")
        OTHER = "other", _("Other")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Guardian, on_delete=models.CASCADE, related_name="student_links")
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices,
                                    default=Relationship.GUARDIAN)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "guardian"], name="academics_student_guardian_unique"),
            models.UniqueConstraint(fields=["student"], condition=Q(is_primary=True),
                                    name="academics_one_primary_guardian"),
        ]


class StudentImport(models.Model):
    """An uploaded student list between its preview and its confirmation: the rows exactly as they
    were read and checked then (the file is never read again), and, once confirmed, what was made."""

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(max_length=200)
    # [{"line": 2, "values": {...as written}, "clean": {...checked}, "errors": {"field": ["why"]}}, ...]
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEW)
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name


class Promotion(models.Model):
    """A year-end promotion into `target_year`: one per target year, written by the promotion job."""

    target_year = models.OneToOneField(AcademicYear, on_delete=models.PROTECT, related_name="promotion")
    job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    promoted = models.PositiveIntegerField(default=0)
    graduated = models.PositiveIntegerField(default=0)
    kept = models.PositiveIntegerField(default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.target_year)
