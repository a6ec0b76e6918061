"""Forms of the school's console pages (/school/): they check shape; the services check meaning, and
their errors are put back beside the fields (`add_service_errors`)."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.academics.models import (
    AcademicYear, Room, SchoolClass, Stream, Student, StudentGuardian, Subject,
)
from apps.accounts.roles import STAFF_ROLES, Role

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceErrorsMixin:
    def add_service_errors(self, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class Form(ServiceErrorsMixin, forms.Form):
    pass


def _streams():
    return Stream.objects.select_related("school_class")


class StreamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


def _teachers(*roles):
    return get_user_model().objects.filter(role__in=roles, is_active=True).order_by("first_name", "last_name", "email")


# --- students ---------------------------------------------------------------------------------------

SORTS = {
    "name": ("last_name", "first_name", "admission_number"),
    "-name": ("-last_name", "-first_name", "-admission_number"),
    "admission": ("admission_number",),
    "-admission": ("-admission_number",),
    "class": ("stream__school_class__level", "stream__name", "last_name", "first_name"),
    "-class": ("-stream__school_class__level", "-stream__name", "last_name", "first_name"),
    "admitted": ("admitted_on", "last_name"),
    "-admitted": ("-admitted_on", "last_name"),
}


class StudentFilterForm(Form):
    q = forms.CharField(required=False, label=_("Search"))
    school_class = forms.ModelChoiceField(SchoolClass.objects.all(), required=False, label=_("Class"),
                                          empty_label=_("All classes"))
    stream = StreamChoiceField(_streams(), required=False, label=_("Stream"), empty_label=_("All streams"))
    status = forms.ChoiceField(required=False, label=_("Status"),
                               choices=[("", _("Any status")), *Student.Status.choices])
    sex = forms.ChoiceField(required=False, label=_("Sex"), choices=[("", _("Girls and boys")), *Student.Sex.choices])
    sort = forms.ChoiceField(required=False, label=_("Sort"), choices=[(key, key) for key in SORTS])


class StudentForm(Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Middle name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Student.Sex.choices])
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    stream = StreamChoiceField(_streams(), label=_("Stream"))
    admission_number = forms.CharField(label=_("Admission number"), max_length=40, required=False,
                                       help_text=_("Leave empty to take the next number."))
    admitted_on = forms.DateField(label=_("Admitted on"), required=False, widget=DATE)
    photo = forms.ImageField(label=_("Photo"), required=False)
    medical_notes = forms.CharField(label=_("Medical notes"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}),
                                    help_text=_("Kept encrypted; shown only to school admins."))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StudentEditForm(StudentForm):
    """The details; the stream changes with the status form (it keeps the history)."""

    admission_number = forms.CharField(label=_("Admission number"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["stream"]


class StudentStatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=Student.Status.choices)
    stream = StreamChoiceField(_streams(), label=_("Stream"), required=False,
                               help_text=_("For an active student: the stream she is in from that day."))
    effective_on = forms.DateField(label=_("From"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class GuardianForm(Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
                            help_text=_("e.g. 0712 345 678 or +255 712 345 678"))
    email = forms.EmailField(label=_("Email"), required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=100, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)


class StaffMemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.get_role_display()})"


class GuardianEditForm(GuardianForm):
    """The guardian's page: his details, and the staff user he is when he works at the school."""

    staff_member = StaffMemberChoiceField(None, label=_("Works at the school as"), required=False,
                                          empty_label=_("Does not work at the school"),
                                          help_text=_("Their children get the staff-child discount"))

    def __init__(self, *args, guardian=None, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Q(role__in=STAFF_ROLES, is_active=True)
        if guardian is not None and guardian.staff_member_id:
            # the user linked now stays a choice once deactivated, so the guardian's other details can be saved
            staff |= Q(pk=guardian.staff_member_id)
        self.fields["staff_member"].queryset = get_user_model().objects.filter(staff).order_by(
            "first_name", "last_name", "email")


class GuardianCreateForm(GuardianForm):
    relationship = forms.ChoiceField(label=_("Relationship"), choices=StudentGuardian.Relationship.choices,
                                     required=False, initial=StudentGuardian.Relationship.GUARDIAN)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)


class GuardianFilterForm(Form):
    q = forms.CharField(required=False, label=_("Search"))


class LinkGuardianForm(Form):
    """From a student's page: an existing guardian, found by phone or email."""

    contact = forms.CharField(label=_("Guardian's phone or email"), max_length=254)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=StudentGuardian.Relationship.choices,
                                     initial=StudentGuardian.Relationship.GUARDIAN)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)


class LinkStudentForm(Form):
    """From a guardian's page: a student, found by admission number."""

    admission_number = forms.CharField(label=_("Student's admission number"), max_length=40)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=StudentGuardian.Relationship.choices,
                                     initial=StudentGuardian.Relationship.GUARDIAN)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)


# --- the school profile -----------------------------------------------------------------------------

class ProfileForm(Form):
    name = forms.CharField(label=_("School name (as printed)"), max_length=200)
    motto = forms.CharField(label=_("Motto"), max_length=200, required=False)
    head_teacher_name = forms.CharField(label=_("Head teacher"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    primary_colour = forms.RegexField(label=_("Primary colour"), regex=r"^#[0-9a-fA-F]{6}$", max_length=7,
                                      widget=forms.TextInput(attrs={"type": "color"}),
                                      error_messages={"invalid": _("Give a colour like #1f4e79.")})
    logo = forms.ImageField(label=_("Logo"), required=False)
    admission_number_pattern = forms.CharField(
        label=_("Admission number pattern"), max_length=60,
        help_text=_("{year}: the admission year; {seq}: the running number ({seq:04d} pads it to 4 digits)."))


class PatternForm(Form):
    admission_number_pattern = forms.CharField(max_length=60)


# --- structure --------------------------------------------------------------------------------------

class YearForm(Form):
    name = forms.CharField(label=_("Year"), max_length=40)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)


class TermForm(Form):
    year = forms.ModelChoiceField(AcademicYear.objects.all(), label=_("Year"))
    number = forms.IntegerField(label=_("Term number"), min_value=1, max_value=6)
    name = forms.CharField(label=_("Name"), max_length=60, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)


class TermFreezeForm(Form):
    attendance_frozen_through = forms.DateField(label=_("Registers frozen through"), required=False, widget=DATE)


class ClassForm(Form):
    name = forms.CharField(label=_("Class"), max_length=60)
    level = forms.IntegerField(label=_("Level"), min_value=0, max_value=99,
                               help_text=_("Order of the classes; promotion goes up one level."))
    next_class = forms.ModelChoiceField(SchoolClass.objects.all(), label=_("Moves on to"), required=False,
                                        empty_label=_("— (final class: students graduate)"))
    grading_scheme = forms.ModelChoiceField(None, label=_("Grading scheme"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.results.models import GradingScheme

        self.fields["grading_scheme"].queryset = GradingScheme.objects.all()


class StreamForm(Form):
    school_class = forms.ModelChoiceField(SchoolClass.objects.all(), label=_("Class"))
    name = forms.CharField(label=_("Stream"), max_length=20)
    class_teacher = PersonChoiceField(None, label=_("Class teacher"), required=False)
    room = forms.ModelChoiceField(Room.objects.all(), label=_("Room"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["class_teacher"].queryset = _teachers(Role.TEACHER, Role.SCHOOL_ADMIN)


class StreamEditForm(StreamForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["school_class"]


class SubjectForm(Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Subject"), max_length=100)
    is_core = forms.BooleanField(label=_("Core (every student takes it)"), required=False, initial=True)
    is_subsidiary = forms.BooleanField(label=_("Subsidiary"), required=False)


class CurriculumForm(Form):
    subjects = forms.ModelMultipleChoiceField(Subject.objects.all(), required=False, label=_("Subjects"),
                                              widget=forms.CheckboxSelectMultiple)


class AssignmentForm(Form):
    teacher = PersonChoiceField(None, required=False, label=_("Teacher"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].queryset = _teachers(Role.TEACHER)


class RoomForm(Form):
    name = forms.CharField(label=_("Room"), max_length=60)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
