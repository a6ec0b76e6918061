"""Shapes of the payments API: serializers check shape; the services decide meaning."""

from rest_framework import serializers

from apps.academics.models import Student
from apps.finance.api.serializers_invoices import MONEY
from apps.finance.models import MANUAL_CHANNELS, Allocation, Invoice, Payment
from apps.ledger.models import Account


class PaymentSerializer(serializers.ModelSerializer):
    # plain text with the choices in the description (an enum here would clash with other "status" enums)
    status = serializers.CharField(read_only=True, help_text="posted or reversed")
    channel = serializers.CharField(read_only=True, help_text="cash, cheque, bank_slip, mpesa, airtel, tigopesa, "
                                                              "nmb, crdb, nbc or sandbox")
    channel_display = serializers.CharField(source="get_channel_display", read_only=True)
    student_name = serializers.CharField(source="student.full_name", read_only=True)
    admission_number = serializers.CharField(source="student.admission_number", read_only=True)
    account_code = serializers.CharField(source="account.code", read_only=True)
    amount = serializers.DecimalField(**MONEY, read_only=True)
    allocated = serializers.DecimalField(**MONEY, read_only=True)
    refunded = serializers.DecimalField(**MONEY, read_only=True)
    credit = serializers.DecimalField(**MONEY, read_only=True,
                                      help_text="What of the payment is not on an invoice: the student's credit.")
    balance_after = serializers.DecimalField(**MONEY, read_only=True, allow_null=True,
                                             help_text="What the student still owed right after this payment "
                                                       "(negative: credit held), as its receipt states; null for "
                                                       "payments recorded before it was kept.")

    class Meta:
        model = Payment
        fields = ["id", "receipt_number", "status", "student", "student_name", "admission_number", "received_on",
                  "amount", "allocated", "refunded", "credit", "balance_after", "channel", "channel_display", "account",
                  "account_code", "reference", "payer_name", "payer_phone", "notes", "guardian", "sponsor",
                  "match_rule", "confidence", "entry", "reversal_entry", "reversal_reason", "reversed_at",
                  "created_at"]
        read_only_fields = fields


class AllocationSerializer(serializers.ModelSerializer):
    control_number = serializers.CharField(source="invoice.control_number")
    installment_number = serializers.IntegerField(source="installment.number")
    installment_due_on = serializers.DateField(source="installment.due_on")
    amount = serializers.DecimalField(**MONEY)
    from_credit = serializers.SerializerMethodField()

    class Meta:
        model = Allocation
        fields = ["invoice", "control_number", "installment_number", "installment_due_on", "amount", "from_credit",
                  "reversed_at"]

    def get_from_credit(self, allocation) -> bool:
        """True when made later from the student's credit (its own entry), not with the payment."""
        return allocation.entry_id is not None


class PaymentDetailSerializer(PaymentSerializer):
    allocations = AllocationSerializer(many=True, read_only=True)

    class Meta(PaymentSerializer.Meta):
        fields = [*PaymentSerializer.Meta.fields, "allocations"]
        read_only_fields = fields


class PaymentRecordSerializer(serializers.Serializer):
    student = serializers.PrimaryKeyRelatedField(queryset=Student.objects.all())
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    channel = serializers.ChoiceField(choices=[(c.value, c.label) for c in MANUAL_CHANNELS],
                                      help_text="cash, cheque or bank_slip (provider payments come in through their "
                                                "webhooks and statements)")
    received_on = serializers.DateField(required=False, help_text="Today when left out.")
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all(), required=False, allow_null=True,
                                                 help_text="A cash or bank account; the channel's usual one when "
                                                           "left out.")
    invoice = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all(), required=False, allow_null=True,
                                                 help_text="The invoice the payer names; settled first.")
    reference = serializers.CharField(max_length=80, required=False, allow_blank=True,
                                      help_text="The cheque or deposit slip number (required for those).")
    payer_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    payer_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PaymentReverseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   help_text="Why the payment is undone (required).")


class OpenInvoiceSerializer(serializers.ModelSerializer):
    term_name = serializers.CharField(source="term.__str__", read_only=True)
    total = serializers.DecimalField(**MONEY)
    paid = serializers.DecimalField(**MONEY)
    credited = serializers.DecimalField(**MONEY)
    balance = serializers.DecimalField(**MONEY)

    class Meta:
        model = Invoice
        fields = ["id", "control_number", "term", "term_name", "issued_on", "due_on", "total", "paid", "credited",
                  "balance"]


class StudentBalanceSerializer(serializers.Serializer):
    student = serializers.IntegerField()
    student_name = serializers.CharField()
    admission_number = serializers.CharField()
    invoiced = serializers.DecimalField(**MONEY, help_text="Invoices that are not void.")
    paid = serializers.DecimalField(**MONEY, help_text="Posted payments less refunds.")
    credited = serializers.DecimalField(**MONEY, help_text="Credit notes and write-offs.")
    credit = serializers.DecimalField(**MONEY, help_text="Paid but not yet on an invoice.")
    balance = serializers.DecimalField(**MONEY, help_text="Still owed: invoiced - paid - credited.")
    open_invoices = OpenInvoiceSerializer(many=True)
