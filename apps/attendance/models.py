"""Registers: who was present, absent, late or excused, per stream and day (or per period)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.academics.models import Stream, Student, Term


class Register(models.Model):
    """One stream's register for one day; `period` is set when the school takes it per lesson."""

    stream = models.ForeignKey(Stream, on_delete=models.PROTECT, related_name="registers")
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="registers")
    date = models.DateField(_("date"))
    period = models.PositiveSmallIntegerField(_("period"), null=True, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    taken_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "stream__school_class__level", "stream__name", "period"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "date", "period"], nulls_distinct=False,
                                    name="attendance_register_unique"),
        ]
        indexes = [models.Index(fields=["term", "stream"])]

    def __str__(self):
        return f"{self.stream} {self.date}" + (f" P{self.period}" if self.period else "")


class AttendanceMark(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        LATE = "late", _("Late")
        EXCUSED = "excused", _("Excused")

    register = models.ForeignKey(Register, on_delete=models.CASCADE, related_name="marks")
    student = models.ForeignKey(Student, on_delete=models.PROTECT, related_name="attendance_marks")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["register", "student"], name="attendance_mark_unique")]
        indexes = [models.Index(fields=["student", "status"])]
