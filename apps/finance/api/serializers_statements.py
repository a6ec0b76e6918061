"""Shapes of the statement API: serializers check shape; the services decide meaning."""

from rest_framework import serializers

from apps.finance.models import Statement, StatementLine

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class RejectedLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()
    text = serializers.CharField()


class StatementSerializer(serializers.ModelSerializer):
    # plain text with its choices in the description (an enum here would clash with other "status" enums)
    status = serializers.CharField(read_only=True, help_text="preview, imported or discarded")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    format = serializers.CharField(read_only=True, help_text="csv, xlsx, mt940, camt053 or ofx")
    account_code = serializers.CharField(source="account.code", read_only=True)
    opening_balance = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    closing_balance = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)
    rejected_count = serializers.SerializerMethodField()

    class Meta:
        model = Statement
        fields = ["id", "filename", "format", "status", "status_display", "account", "account_code", "mapping",
                  "period_start", "period_end", "opening_balance", "closing_balance", "line_count",
                  "duplicate_count", "rejected_count", "uploaded_at", "imported_at"]
        read_only_fields = fields

    def get_rejected_count(self, statement) -> int:
        return len(statement.rejected or [])


class StatementDetailSerializer(StatementSerializer):
    rejected = RejectedLineSerializer(many=True, read_only=True)

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "rejected"]
        read_only_fields = fields


class StatementUploadSerializer(serializers.Serializer):
    account = serializers.IntegerField(help_text="A bank or mobile-money account's id")
    file = serializers.FileField(help_text="CSV/XLSX export, MT940, CAMT.053 (XML) or OFX")
    mapping = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="A saved column mapping's id (CSV/XLSX)")
    confirm = serializers.BooleanField(required=False, default=False,
                                       help_text="Import at once instead of leaving a preview")
    accept_rejected = serializers.BooleanField(required=False, default=False,
                                               help_text="With confirm: import the good lines when some are rejected")


class StatementConfirmSerializer(serializers.Serializer):
    accept_rejected = serializers.BooleanField(required=False, default=False,
                                               help_text="Required when lines were rejected: import the good ones")


class StatementLineSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True,
                                   help_text="unmatched, suggested, matched, recorded or ignored")
    amount = serializers.DecimalField(**MONEY, read_only=True)
    balance = serializers.DecimalField(**MONEY, read_only=True, allow_null=True)

    class Meta:
        model = StatementLine
        fields = ["id", "line_number", "date", "amount", "narrative", "bank_reference", "payer_name", "payer_phone",
                  "balance", "status", "match_rule", "confidence"]
        read_only_fields = fields
