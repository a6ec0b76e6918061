"""The finance app's models, by subject: fee setup and invoices, payments and credit, what payment
providers send, and bank statements with their reconciliation."""

from apps.finance.models.fees import (  # noqa: F401
    ZERO, DiscountRule, FeeCategory, FeeItem, FeeStructure, Installment, Invoice, InvoiceInstallment, InvoiceLine,
    LateFeeCharge, LateFeeRule, Sponsor, Sponsorship, StudentFeeOption, money,
)
from apps.finance.models.payments import (  # noqa: F401
    MANUAL_CHANNELS, Allocation, Channel, CreditNote, NumberSeries, Payment, Refund, RefundPart,
)
from apps.finance.models.channels import (  # noqa: F401
    InboundEvent, PaymentChannel, PaymentEvent, WebhookRejection,
)
from apps.finance.models.statements import (  # noqa: F401
    MatchSuggestion, Statement, StatementLine, StatementMapping,
)
