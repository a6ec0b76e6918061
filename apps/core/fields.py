"""Model fields whose values are encrypted at rest (apps.core.crypto): national IDs, bank accounts, phones.

The column holds a Fernet token (text); the model attribute holds the plaintext. None stays None and
"" stays "" (that a value is empty is not hidden). Reading a token that no configured key decrypts
raises apps.core.crypto.DecryptionError instead of giving None.

An encrypted column cannot be filtered, ordered or searched by value: each encryption of the same
value differs. Lookups other than `isnull` and exact matches on None or "" raise FieldError; for
exact-match searches keep a blind index beside the field (apps.core.crypto.blind_index).
`dumpdata` writes the plaintext (it reads through the field): treat such dumps as sensitive.
"""

from django.core import validators
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.utils.functional import cached_property

from apps.core import crypto


class EncryptedExact(Exact):
    """`field=None` and `field=""` only: any other value, or another column, would be compared as
    ciphertext, which never matches."""

    def get_prep_lookup(self):
        if hasattr(self.rhs, "resolve_expression") or self.rhs not in (None, ""):
            raise FieldError(
                f"{self.lhs.output_field.__class__.__name__} cannot be filtered by value (every "
                "encryption differs); look it up by a blind index (apps.core.crypto.blind_index)")
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """Text of any length, stored as a Fernet token under the newest FIELD_ENCRYPTION_KEYS key."""

    description = "Text encrypted at rest"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)  # str(), None kept
        if value is None or value == "":
            return value
        return crypto.encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        try:
            return crypto.decrypt(value)
        except crypto.DecryptionError as error:
            name = f"{self.model._meta.label}.{self.name}" if hasattr(self, "model") else self.name
            raise crypto.DecryptionError(f"{name}: {error}") from None

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EncryptedExact
        if lookup_name == "isnull":
            return IsNull
        return None  # Django answers FieldError: "Unsupported lookup … perhaps you meant exact or isnull?"

    def get_transform(self, lookup_name):
        return None


class EncryptedCharField(EncryptedTextField):
    """A short encrypted value: max_length limits the plaintext (validation and a one-line form
    input); the column is text, since the token is longer than the value."""

    description = "Short text encrypted at rest"

    def __init__(self, *args, max_length: int, **kwargs):
        super().__init__(*args, max_length=max_length, **kwargs)

    @cached_property
    def validators(self):
        return [*super().validators, validators.MaxLengthValidator(self.max_length)]

    def formfield(self, **kwargs):
        from django import forms

        return super().formfield(**{"widget": forms.TextInput, **kwargs})
