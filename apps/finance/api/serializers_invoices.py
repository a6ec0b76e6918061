"""Shapes of the invoice API: serializers check shape; the services decide meaning."""

from rest_framework import serializers

from apps.academics.models import Student, Term
from apps.finance.models import Invoice, InvoiceInstallment, InvoiceLine

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class InvoiceSerializer(serializers.ModelSerializer):
    # plain text with its choices in the description (an enum here would clash with other "status" enums)
    status = serializers.CharField(read_only=True, help_text="issued, paid or void")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    reference = serializers.CharField(read_only=True)
    student_name = serializers.CharField(source="student.full_name", read_only=True)
    admission_number = serializers.CharField(source="student.admission_number", read_only=True)
    term_name = serializers.CharField(source="term.__str__", read_only=True)
    payer = serializers.IntegerField(source="guardian_id", read_only=True, allow_null=True)
    payer_name = serializers.SerializerMethodField()
    total = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Invoice
        fields = ["id", "reference", "control_number", "status", "status_display", "student", "student_name",
                  "admission_number", "term", "term_name", "payer", "payer_name", "issued_on", "due_on", "total",
                  "issue_entry", "void_entry", "void_reason", "voided_at"]
        read_only_fields = fields

    def get_payer_name(self, invoice) -> str | None:
        return str(invoice.guardian) if invoice.guardian_id else None


class InvoiceLineSerializer(serializers.ModelSerializer):
    category_code = serializers.CharField(source="category.code")
    amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = InvoiceLine
        fields = ["category", "category_code", "description", "amount"]


class InvoiceInstallmentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(**MONEY)

    class Meta:
        model = InvoiceInstallment
        fields = ["number", "due_on", "amount"]


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    installments = InvoiceInstallmentSerializer(many=True, read_only=True)

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "lines", "installments"]
        read_only_fields = fields


class InvoiceIssueSerializer(serializers.Serializer):
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    term = serializers.PrimaryKeyRelatedField(queryset=Term.objects.all())


class InvoiceVoidSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   help_text="Why the invoice is cancelled (required).")
