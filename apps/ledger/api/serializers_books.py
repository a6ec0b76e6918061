"""Serializers of the books' API: accounts, journal entries with their lines, periods. They check shape;
apps.ledger.services checks meaning (balance, group or inactive accounts, closed months)."""

from rest_framework import serializers

from apps.ledger.models import Account, JournalEntry, JournalLine, Period


class AccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = Account
        fields = ["id", "code", "name", "type", "parent", "is_group", "purpose", "provider", "is_active"]
        read_only_fields = fields


class AccountCreateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=120)
    type = serializers.ChoiceField(choices=Account.Type.choices)
    parent = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all(), required=False, allow_null=True)
    is_group = serializers.BooleanField(required=False, default=False)
    purpose = serializers.ChoiceField(choices=Account.Purpose.choices, required=False, default="")
    provider = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)


class AccountUpdateSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, required=False)
    name = serializers.CharField(max_length=120, required=False)
    parent = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all(), required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)


class LineSerializer(serializers.ModelSerializer):
    account_code = serializers.CharField(source="account.code", read_only=True)
    account_name = serializers.CharField(source="account.name", read_only=True)

    class Meta:
        model = JournalLine
        fields = ["id", "account", "account_code", "account_name", "debit", "credit", "description", "student",
                  "staff", "supplier"]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    reversed_by = serializers.SerializerMethodField()

    class Meta:
        model = JournalEntry
        fields = ["id", "reference", "date", "memo", "source", "source_type", "source_id", "reverses",
                  "reversed_by", "period", "posted_by", "posted_at", "total"]
        read_only_fields = fields

    def get_reversed_by(self, entry) -> int | None:
        reversal = getattr(entry, "reversed_by", None)
        return reversal.pk if reversal else None


class EntryDetailSerializer(EntrySerializer):
    lines = LineSerializer(many=True, read_only=True)

    class Meta(EntrySerializer.Meta):
        fields = [*EntrySerializer.Meta.fields, "lines"]
        read_only_fields = fields


class LineInputSerializer(serializers.Serializer):
    account = serializers.PrimaryKeyRelatedField(queryset=Account.objects.all())
    # strings or numbers in JSON; the service refuses floats' imprecision by parsing to the cent
    debit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, default="0")
    credit = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, required=False, default="0")
    description = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)


class EntryCreateSerializer(serializers.Serializer):
    date = serializers.DateField()
    memo = serializers.CharField(max_length=300)
    lines = LineInputSerializer(many=True, allow_empty=False)


class ReverseSerializer(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True)
    memo = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class PeriodSerializer(serializers.ModelSerializer):
    entries_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Period
        fields = ["id", "starts_on", "ends_on", "status", "closed_at", "closed_by", "entries_count"]
        read_only_fields = fields


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)
