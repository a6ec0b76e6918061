"""Phone numbers in E.164 (+255712345678), read as people write them ("0712 345 678", "255712345678")."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_REGION = "TZ"


def phone_normalise(value: str, *, region: str = DEFAULT_REGION) -> str:
    """The number in E.164, "" for blank; ValidationError (code bad_phone) when it is not a valid
    number for `region` (or, with a leading + or 00, for its own country)."""
    text = (value or "").strip()
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.isdigit() and not text.startswith("0") and len(text) > 9:
        text = "+" + text  # 255712345678: a country code written without the +
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(value)s” is not a valid phone number."), code="bad_phone", params={"value": value})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
