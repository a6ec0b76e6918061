"""Serializers of the fee setup API: fee categories, fee structures with their items and instalments.
They check shape; apps.finance.services checks meaning (100 %, duplicate items, dates in order)."""

from rest_framework import serializers

from apps.academics.models import SchoolClass, Term
from apps.finance.models import FeeCategory, FeeItem, FeeStructure, Installment
from apps.finance.selectors import compulsory_total
from apps.ledger.models import Account


class FeeCategorySerializer(serializers.ModelSerializer):
    income_account_code = serializers.CharField(source="income_account.code", read_only=True)

    class Meta:
        model = FeeCategory
        fields = ["id", "code", "name", "income_account", "income_account_code", "is_optional", "order", "is_active"]
        read_only_fields = fields


class FeeCategoryCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=80)
    income_account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    is_optional = serializers.BooleanField(required=False, default=False)
    order = serializers.IntegerField(required=False, default=0, min_value=0, max_value=32767)


class FeeCategoryUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    income_account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all(), required=False)
    is_optional = serializers.BooleanField(required=False)
    order = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    is_active = serializers.BooleanField(required=False)


class FeeItemSerializer(serializers.ModelSerializer):
    category_code = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = FeeItem
        fields = ["id", "category", "category_code", "category_name", "label", "amount", "is_optional"]
        read_only_fields = fields


class InstallmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Installment
        fields = ["number", "percent", "due_on"]
        read_only_fields = fields


class FeeStructureSerializer(serializers.ModelSerializer):
    term_name = serializers.CharField(source="term.__str__", read_only=True)
    class_name = serializers.CharField(source="school_class.name", read_only=True)
    total = serializers.SerializerMethodField()
    items = FeeItemSerializer(many=True, read_only=True)
    installments = InstallmentSerializer(many=True, read_only=True)

    class Meta:
        model = FeeStructure
        fields = ["id", "term", "term_name", "school_class", "class_name", "notes", "total", "items", "installments",
                  "updated_at"]
        read_only_fields = fields

    def get_total(self, structure) -> str:
        """What every student of the class pays (the items that are not optional)."""
        return f"{compulsory_total(structure):.2f}"


class ItemInputSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=FeeCategory.objects.all())
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    label = serializers.CharField(max_length=80, required=False, default="", allow_blank=True)
    is_optional = serializers.BooleanField(required=False, allow_null=True, default=None,
                                           help_text="Null or left out: the category's own setting.")


class InstallmentInputSerializer(serializers.Serializer):
    percent = serializers.DecimalField(max_digits=5, decimal_places=2)
    due_on = serializers.DateField()


class FeeStructureSaveSerializer(serializers.Serializer):
    term = serializers.PrimaryKeyRelatedField(queryset=Term.objects.all())
    school_class = serializers.PrimaryKeyRelatedField(queryset=SchoolClass.objects.all())
    items = ItemInputSerializer(many=True)
    installments = InstallmentInputSerializer(many=True)
    notes = serializers.CharField(max_length=250, required=False, default="", allow_blank=True)
