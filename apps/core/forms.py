"""Form helpers shared by the consoles."""

from django.core.exceptions import ValidationError


def form_errors_from(form, error: ValidationError) -> None:
    """Show a service's refusal on the form: each message on its field when the form has that field, else
    above the form."""
    for field, texts in getattr(error, "message_dict", {"__all__": error.messages}).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)
