"""Shapes of the supplier and expense API: serializers check shape; the services decide meaning."""

from decimal import Decimal

from rest_framework import serializers

from apps.ledger.models import Account, Expense, JournalLine, Supplier
from apps.ledger.selectors_expenses import expense_categories, payment_accounts

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "name", "contact_person", "phone", "email", "tin", "address", "is_active", "created_at",
                  "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]


class SupplierWriteSerializer(serializers.Serializer):
    """Phone as people write it ("0712 345 678"); stored in E.164."""

    name = serializers.CharField(max_length=150)
    contact_person = serializers.CharField(max_length=120, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    tin = serializers.CharField(max_length=20, required=False, allow_blank=True)
    address = serializers.CharField(max_length=250, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class JournalLineSerializer(serializers.ModelSerializer):
    entry = serializers.IntegerField(source="entry_id")
    account_code = serializers.CharField(source="account.code")
    account_name = serializers.CharField(source="account.name")
    debit = serializers.DecimalField(**MONEY)
    credit = serializers.DecimalField(**MONEY)

    class Meta:
        model = JournalLine
        fields = ["entry", "date", "account_code", "account_name", "debit", "credit", "supplier"]


class ExpenseSerializer(serializers.ModelSerializer):
    # plain text with its choices in the description (an enum here would clash with other "status" enums)
    status = serializers.CharField(read_only=True, help_text="pending, approved, paid or rejected")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    supplier_name = serializers.CharField(source="supplier.name", read_only=True, default=None)
    amount = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY, read_only=True)
    has_receipt = serializers.SerializerMethodField()

    class Meta:
        model = Expense
        fields = ["id", "status", "status_display", "incurred_on", "description", "category", "category_code",
                  "category_name", "supplier", "supplier_name", "amount", "tax", "total", "reference", "has_receipt",
                  "created_by", "created_at", "approved_by", "approved_at", "approval_entry", "rejected_reason",
                  "paid_from", "paid_on", "paid_by", "payment_reference", "payment_entry"]
        read_only_fields = fields

    def get_has_receipt(self, expense) -> bool:
        return bool(expense.receipt)


class ExpenseDetailSerializer(ExpenseSerializer):
    lines = JournalLineSerializer(many=True, read_only=True, source="posted_lines")

    class Meta(ExpenseSerializer.Meta):
        fields = [*ExpenseSerializer.Meta.fields, "lines"]
        read_only_fields = fields


class ExpenseCreateSerializer(serializers.Serializer):
    """Send as multipart/form-data to attach a receipt (JPEG, PNG or PDF, at most 5 MB)."""

    category = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none(),
                                                  help_text="An active expense account (not a group).")
    supplier = serializers.PrimaryKeyRelatedField(queryset=Supplier.objects.none(), required=False, allow_null=True)
    description = serializers.CharField(max_length=250)
    incurred_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    tax = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, default=Decimal("0.00"),
                                   help_text="Part of the cost: the school is not VAT-registered.")
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    receipt = serializers.FileField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = expense_categories()
        self.fields["supplier"].queryset = Supplier.objects.filter(is_active=True)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class PaySerializer(serializers.Serializer):
    paid_from = serializers.PrimaryKeyRelatedField(queryset=Account.objects.none(),
                                                   help_text="An active cash, bank or mobile-money account.")
    paid_on = serializers.DateField()
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_from"].queryset = payment_accounts()
