"""Shapes of the attendance API. Serializers check shape; apps.attendance.services checks meaning."""

from rest_framework import serializers

from apps.attendance.models import AttendanceMark, Register


class AttendanceMarkSerializer(serializers.ModelSerializer):
    student_name = serializers.CharField(source="student.full_name", read_only=True)

    class Meta:
        model = AttendanceMark
        fields = ["student", "student_name", "status", "note"]
        read_only_fields = fields


class RegisterSerializer(serializers.ModelSerializer):
    stream_name = serializers.CharField(source="stream.full_name", read_only=True)
    taken_by = serializers.CharField(source="taken_by.display_name", read_only=True, default=None)
    counts = serializers.SerializerMethodField()

    class Meta:
        model = Register
        fields = ["id", "stream", "stream_name", "term", "date", "period", "taken_by", "taken_at", "updated_at",
                  "counts"]
        read_only_fields = fields

    def get_counts(self, register) -> dict:
        counts = {status: 0 for status in AttendanceMark.Status.values}
        for mark in register.marks.all():  # prefetched by the view
            counts[mark.status] += 1
        return counts


class RegisterDetailSerializer(RegisterSerializer):
    marks = AttendanceMarkSerializer(many=True, read_only=True)

    class Meta(RegisterSerializer.Meta):
        fields = [*RegisterSerializer.Meta.fields, "marks"]
        read_only_fields = fields


class AttendanceMarkInSerializer(serializers.Serializer):
    student = serializers.IntegerField(min_value=1)
    status = serializers.ChoiceField(choices=AttendanceMark.Status.choices)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RegisterSaveSerializer(serializers.Serializer):
    stream = serializers.IntegerField(min_value=1)
    date = serializers.DateField()
    period = serializers.IntegerField(min_value=1, max_value=20, required=False, allow_null=True, default=None)
    marks = AttendanceMarkInSerializer(many=True, allow_empty=False)

    def validate_marks(self, marks):
        seen = set()
        for mark in marks:
            if mark["student"] in seen:
                raise serializers.ValidationError(f"Student {mark['student']} is marked twice.")
            seen.add(mark["student"])
        return marks


class StudentMarkSerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="register.date", read_only=True)
    period = serializers.IntegerField(source="register.period", read_only=True)

    class Meta:
        model = AttendanceMark
        fields = ["date", "period", "status", "note"]
        read_only_fields = fields


class SummarySerializer(serializers.Serializer):
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    late = serializers.IntegerField()
    excused = serializers.IntegerField()
    days = serializers.IntegerField(help_text="Marks recorded")
    rate = serializers.FloatField(allow_null=True, help_text="Percentage attended (present + late) / marks")


class StudentAttendanceSerializer(serializers.Serializer):
    """One student's term: who, which term, the counts and each mark."""

    student = serializers.IntegerField()
    student_name = serializers.CharField()
    term = serializers.IntegerField(allow_null=True)
    summary = SummarySerializer()
    marks = StudentMarkSerializer(many=True)
