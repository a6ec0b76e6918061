"""Shapes of the reconciliation API: serializers check shape; the services decide meaning."""

from rest_framework import serializers

from apps.finance.models import MatchSuggestion

MONEY = {"max_digits": 14, "decimal_places": 2, "coerce_to_string": True}


class SuggestionSerializer(serializers.ModelSerializer):
    # plain text with its choices in the description (an enum here would clash with other "status" enums)
    status = serializers.CharField(read_only=True, help_text="open, confirmed, rejected or undone")
    rule = serializers.CharField(read_only=True, help_text="control_number, student_reference, narrative, "
                                                           "fuzzy_reference, phone_amount or manual")
    rule_display = serializers.CharField(source="get_rule_display", read_only=True)
    amount = serializers.DecimalField(**MONEY, read_only=True)
    control_number = serializers.CharField(source="invoice.control_number", read_only=True)
    invoice_balance = serializers.DecimalField(source="invoice.balance", **MONEY, read_only=True)
    student = serializers.IntegerField(source="invoice.student_id", read_only=True)
    student_name = serializers.CharField(source="invoice.student.full_name", read_only=True)
    source = serializers.SerializerMethodField()

    class Meta:
        model = MatchSuggestion
        fields = ["id", "status", "rule", "rule_display", "confidence", "amount", "line", "event", "invoice",
                  "control_number", "invoice_balance", "student", "student_name", "source", "created_at",
                  "decided_by", "decided_at"]
        read_only_fields = fields

    def get_source(self, suggestion) -> dict:
        """What was paid: the statement line's narrative or the event's reference, date and payer."""
        if suggestion.line_id:
            line = suggestion.line
            return {"kind": "line", "date": line.date.isoformat(), "text": line.narrative,
                    "reference": line.bank_reference, "payer": line.payer_name}
        event = suggestion.event
        return {"kind": "event", "date": event.paid_at.date().isoformat(), "text": event.reference,
                "reference": event.transaction_id, "payer": event.payer_name}


class ConfirmedSerializer(serializers.Serializer):
    suggestion = SuggestionSerializer(read_only=True)
    receipt_number = serializers.CharField(read_only=True)
    payment = serializers.IntegerField(read_only=True)
