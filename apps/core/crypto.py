"""Encryption of sensitive values at rest (MultiFernet over FIELD_ENCRYPTION_KEYS) and blind indexes.

FIELD_ENCRYPTION_KEYS is a list of Fernet keys, newest first: values are encrypted with the first
and decrypted with whichever fits, so a new key is prepended, `reencrypt_fields` moves every stored
value onto it, and only then is the old key dropped (docs/operations.md, "Encryption keys").

A Fernet token is random each time, so an encrypted column cannot be searched by value. Where an
exact-match lookup is needed (a payer's phone number), keep a blind index beside it: an HMAC of the
normalised value under FIELD_HASH_KEY, stored in an ordinary indexed column:

    class Guardian(models.Model):
        phone = EncryptedCharField(max_length=20, blank=True)
        phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    # in the service that writes it (not in save(): no hidden side effects)
    guardian.phone = phone
    guardian.phone_index = blind_index(phone, normalise=normalise_phone) if phone else ""

    # in the selector that looks it up
    Guardian.objects.filter(phone_index=blind_index(phone, normalise=normalise_phone))

The index reveals which rows share a value, never the value, and only to someone without the key.
Changing FIELD_HASH_KEY means recomputing every index from the decrypted values.
"""

import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """A stored value that none of the configured keys decrypts (its key was dropped, or it was
    never encrypted). Raised rather than read as None, so nothing is silently overwritten."""


def _fernets(keys: tuple[str, ...]) -> list[Fernet]:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: set one or more Fernet keys, newest first")
    fernets = []
    for position, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None
    return fernets


@functools.lru_cache(maxsize=8)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(_fernets(keys))


@functools.lru_cache(maxsize=8)
def _newest(keys: tuple[str, ...]) -> Fernet:
    return _fernets(keys)[0]


def _keys() -> tuple[str, ...]:
    # read on every call (cached by value), so override_settings and a reloaded setting both apply
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt(plaintext: str) -> str:
    """A Fernet token (URL-safe base64 text) for `plaintext`, under the newest key."""
    return _multifernet(_keys()).encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The plaintext of a token written under any configured key; DecryptionError otherwise."""
    try:
        return _multifernet(_keys()).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        raise DecryptionError(
            "the value cannot be decrypted with any key in FIELD_ENCRYPTION_KEYS "
            "(was the key that wrote it dropped before `reencrypt_fields` ran?)"
        ) from None


def is_current(token: str) -> bool:
    """True when the newest key alone decrypts `token`: re-encrypting it would change nothing."""
    try:
        _newest(_keys()).decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


# --- blind indexes ------------------------------------------------------------------------------


def normalise_text(value: str) -> str:
    """Unicode-normalised, case-folded, inner whitespace collapsed: 'Ab  12 ' and 'aB 12' match."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def normalise_phone(value: str) -> str:
    """Digits only: '+255 712-345 678' and '255712345678' match. Callers store numbers in one form
    (international, with the country code) so that '0712 345 678' is written as '+255712345678'."""
    return re.sub(r"\D", "", unicodedata.normalize("NFKC", value))


def blind_index(value: str, *, normalise: Callable[[str], str] = normalise_text, key: str | None = None) -> str:
    """HMAC-SHA256 (hex, 64 characters) of the normalised value under FIELD_HASH_KEY: equal values
    give equal indexes, so an indexed column of these answers exact-match lookups."""
    key = settings.FIELD_HASH_KEY if key is None else key
    if not key:
        raise ImproperlyConfigured("FIELD_HASH_KEY is not set")
    return hmac.new(key.encode("utf-8"), normalise(value).encode("utf-8"), hashlib.sha256).hexdigest()
