"""Realistic notification bodies for each payment provider, and signing them as the provider would."""

from apps.finance.providers import provider_get
from apps.finance.providers.samples import body_for  # noqa: F401  (the tests' notifications)

SECRET = "test-channel-secret"


def signed_headers(provider: str, body: bytes, secret: str = SECRET) -> dict:
    """Django test client keyword arguments carrying the provider's signature header."""
    adapter = provider_get(provider)
    header = "HTTP_" + adapter.signature_header.upper().replace("-", "_")
    return {header: adapter.sign(body, secret), "content_type": adapter.content_type}
