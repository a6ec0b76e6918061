"""Shapes of the academics API. Reading serializers expect the selectors' select_related; writing
ones check shape only (the services in apps.academics.services check meaning)."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from apps.academics.models import (
    AcademicYear, Guardian, Room, SchoolClass, Stream, Student, StudentGuardian, Subject, TeachingAssignment, Term,
)
from apps.accounts.roles import Role


class StudentSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    stream_name = serializers.SerializerMethodField()
    school_class = serializers.SerializerMethodField(help_text="The stream's class (id)")

    class Meta:
        model = Student
        fields = ["id", "admission_number", "first_name", "middle_name", "last_name", "full_name", "sex",
                  "date_of_birth", "stream", "stream_name", "school_class", "status", "admitted_on", "photo"]
        read_only_fields = fields

    def get_stream_name(self, student) -> str | None:
        return student.stream.full_name if student.stream_id else None

    def get_school_class(self, student) -> int | None:
        return student.stream.school_class_id if student.stream_id else None


class StudentAdminSerializer(StudentSerializer):
    """What a school admin sees: also the notes (medical notes are decrypted for her only)."""

    class Meta(StudentSerializer.Meta):
        fields = [*StudentSerializer.Meta.fields, "medical_notes", "notes", "created_at", "updated_at"]
        read_only_fields = fields


class StudentCreateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100)
    sex = serializers.ChoiceField(choices=Student.Sex.choices)
    stream = serializers.PrimaryKeyRelatedField(queryset=Stream.objects.all())
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    admission_number = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True,
                                             default=None, help_text="Leave out to take the next number "
                                                                     "from the school's pattern")
    admitted_on = serializers.DateField(required=False, allow_null=True, default=None)
    medical_notes = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class StudentUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100, required=False)
    middle_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=100, required=False)
    sex = serializers.ChoiceField(choices=Student.Sex.choices, required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    admission_number = serializers.CharField(max_length=40, required=False)
    admitted_on = serializers.DateField(required=False, allow_null=True)
    medical_notes = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class StudentStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Student.Status.choices)
    effective_on = serializers.DateField()
    stream = serializers.PrimaryKeyRelatedField(queryset=Stream.objects.all(), required=False, allow_null=True,
                                                default=None, help_text="For an active student: her stream from then")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class GuardianLinkSerializer(serializers.ModelSerializer):
    student_name = serializers.CharField(source="student.full_name", read_only=True)

    class Meta:
        model = StudentGuardian
        fields = ["student", "student_name", "relationship", "is_primary"]
        read_only_fields = fields


class GuardianSerializer(serializers.ModelSerializer):
    first_name = serializers.CharField(source="user.first_name", read_only=True)
    last_name = serializers.CharField(source="user.last_name", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)
    can_sign_in = serializers.SerializerMethodField(help_text="Has chosen a password for the parent portal")
    staff_member = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The staff user he is at the school, if he works there (his children get the "
                                  "staff-child discount)")
    students = serializers.SerializerMethodField()

    class Meta:
        model = Guardian
        fields = ["id", "first_name", "last_name", "phone", "email", "occupation", "address", "staff_member",
                  "can_sign_in", "students"]
        read_only_fields = fields

    def get_can_sign_in(self, guardian) -> bool:
        return guardian.user.has_usable_password()

    def get_students(self, guardian) -> list[dict]:
        visible = self.context.get("visible_students")  # None: all (school admins)
        links = [link for link in guardian.student_links.all() if visible is None or link.student_id in visible]
        return GuardianLinkSerializer(links, many=True).data


class GuardianStudentSerializer(serializers.Serializer):
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    relationship = serializers.ChoiceField(choices=StudentGuardian.Relationship.choices,
                                           default=StudentGuardian.Relationship.GUARDIAN)
    is_primary = serializers.BooleanField(default=False)


class GuardianCreateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                  help_text="Any common spelling; stored in E.164 (+255712345678)")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    occupation = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    students = GuardianStudentSerializer(many=True, required=False, default=list,
                                         help_text="Students to link at once")


class GuardianUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False)
    last_name = serializers.CharField(max_length=150, required=False)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    occupation = serializers.CharField(max_length=100, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    staff_member = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True,
        help_text="The id of the active staff user (school admin, teacher, accountant, staff) he is at the school; "
                  "null: he does not work there. One staff user is one guardian at most.")


# --- structure --------------------------------------------------------------------------------------

def _teachers(*roles):
    return get_user_model().objects.filter(role__in=roles)


class SchoolClassSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchoolClass
        fields = ["id", "name", "level", "next_class", "grading_scheme"]
        extra_kwargs = {"name": {"validators": []}, "level": {"validators": []}, "next_class": {"validators": []},
                        "grading_scheme": {"required": False}}


class StreamSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(read_only=True)
    class_teacher = serializers.PrimaryKeyRelatedField(
        queryset=_teachers(Role.TEACHER, Role.SCHOOL_ADMIN), required=False, allow_null=True)
    class_teacher_name = serializers.SerializerMethodField()

    class Meta:
        model = Stream
        fields = ["id", "school_class", "name", "full_name", "class_teacher", "class_teacher_name", "room",
                  "capacity"]
        validators = []

    def get_class_teacher_name(self, stream) -> str | None:
        return stream.class_teacher.display_name if stream.class_teacher_id else None


class SubjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subject
        fields = ["id", "code", "name", "is_core", "is_subsidiary", "order"]
        extra_kwargs = {"code": {"validators": []}}


class TeachingAssignmentSerializer(serializers.ModelSerializer):
    stream_name = serializers.CharField(source="stream.full_name", read_only=True)
    subject_code = serializers.CharField(source="subject.code", read_only=True)
    teacher_name = serializers.CharField(source="teacher.display_name", read_only=True)
    teacher = serializers.PrimaryKeyRelatedField(queryset=_teachers(Role.TEACHER))

    class Meta:
        model = TeachingAssignment
        fields = ["id", "stream", "stream_name", "subject", "subject_code", "teacher", "teacher_name"]
        validators = []


class AcademicYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = AcademicYear
        fields = ["id", "name", "starts_on", "ends_on", "is_current"]
        extra_kwargs = {"name": {"validators": []}, "is_current": {"required": False}}


class TermSerializer(serializers.ModelSerializer):
    is_published = serializers.BooleanField(read_only=True)

    class Meta:
        model = Term
        fields = ["id", "year", "number", "name", "starts_on", "ends_on", "is_current", "attendance_frozen_through",
                  "is_published"]
        extra_kwargs = {"name": {"required": False}, "is_current": {"required": False}}
        validators = []


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "name", "capacity"]
        extra_kwargs = {"name": {"validators": []}}
