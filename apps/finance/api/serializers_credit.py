"""Shapes of the credit-note API: serializers check shape; the services decide meaning."""

from rest_framework import serializers

from apps.finance.models import CreditNote, FeeCategory, Invoice

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class CreditNoteSerializer(serializers.ModelSerializer):
    # plain text with the choices in the description (an enum here would clash with other "kind"/"status" enums)
    kind = serializers.CharField(read_only=True, help_text="credit_note or write_off")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.CharField(read_only=True, help_text="pending, approved or rejected")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    amount = serializers.DecimalField(**MONEY, read_only=True)
    invoice_reference = serializers.CharField(source="invoice.reference", read_only=True)
    student = serializers.IntegerField(source="invoice.student_id", read_only=True)
    student_name = serializers.CharField(source="invoice.student.full_name", read_only=True)
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = CreditNote
        fields = ["id", "number", "kind", "kind_display", "status", "status_display", "invoice", "invoice_reference",
                  "student", "student_name", "category", "amount", "reason", "entry", "requested_by",
                  "requested_by_name", "requested_at", "decided_by", "decided_by_name", "decided_at", "decision_note"]
        read_only_fields = fields

    def get_requested_by_name(self, note) -> str:
        user = note.requested_by
        return user.get_full_name() or user.email

    def get_decided_by_name(self, note) -> str | None:
        user = note.decided_by
        return (user.get_full_name() or user.email) if user else None


class CreditNoteCreateSerializer(serializers.Serializer):
    kind = serializers.CharField(default=CreditNote.Kind.CREDIT_NOTE,
                                 help_text="credit_note (posted at once) or write_off (waits for a school admin)")
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all())
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    reason = serializers.CharField(max_length=300, allow_blank=True)
    category = serializers.PrimaryKeyRelatedField(queryset=FeeCategory.objects.all(), required=False, allow_null=True,
                                                  help_text="Credit notes only: the fee whose income is reduced; "
                                                            "without it, the invoice's fees in proportion.")

    def validate_kind(self, value):
        if value not in CreditNote.Kind.values:
            raise serializers.ValidationError(f"One of {', '.join(CreditNote.Kind.values)}.")
        return value

    def validate(self, data):
        if data.get("kind") == CreditNote.Kind.WRITE_OFF and data.get("category"):
            raise serializers.ValidationError({"category": ["A write-off is posted to bad debts, not a category."]})
        return data


class CreditNoteDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="",
                                 help_text="Required when rejecting.")
