"""Payment providers' adapters (M-Pesa, Airtel Money, Mixx by Yas, NMB, CRDB, NBC and the sandbox) behind
one interface, apps.finance.providers.base.PaymentProvider; `provider_get(code)` finds one."""

from apps.finance.providers import airtel, crdb, mpesa, nbc, nmb, sandbox, tigopesa  # noqa: F401
from apps.finance.providers.base import (  # noqa: F401
    REGISTRY, Malformed, NormalisedPayment, PaymentProvider, Rejected, provider_get,
)
