"""Where an entry's source document is shown: each app that posts registers the console page of its
documents here (by `"<app label>.<model>"`, as `entry_post` records it), so an entry links back to the
invoice, payment, payroll run or expense that made it."""

from django.urls import NoReverseMatch, reverse

# source_type -> (URL name taking the document's pk, how the document is referred to)
SOURCE_PAGES = {
    "ledger.expense": ("ledger:expense-detail", "EXP-{pk:05d}"),
    "finance.invoice": ("finance:invoice-detail", "INV-{pk:06d}"),
    "finance.creditnote": ("finance:credit-note-detail", "CN/WO {pk}"),
    "finance.refund": ("finance:refund-detail", "RF {pk}"),
    "finance.payment": ("finance:payment-detail", "Payment {pk}"),
}


def source_link(entry) -> tuple[str, str] | None:
    """(url, label) of the entry's source document, or None when it has none or no page."""
    page = SOURCE_PAGES.get(entry.source_type)
    if page is None or entry.source_id is None:
        return None
    url_name, label = page
    try:
        return reverse(url_name, args=[entry.source_id]), label.format(pk=entry.source_id)
    except NoReverseMatch:
        return None
