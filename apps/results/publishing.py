"""Publishing a term's results: computed afresh, then visible to parents and on report cards, and the
term's marks locked (the marks service refuses changes unless an admin unlocks a stream with a reason).
Unpublishing (a school admin, with a reason) makes them drafts again."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import Term
from apps.accounts.roles import Role
from apps.audit.services import audit_record
from apps.results.computation import term_results_compute, weights_check


def _require_admin(actor) -> None:
    if getattr(actor, "role", None) != Role.SCHOOL_ADMIN:
        raise ValidationError(_("Only a school admin may publish or unpublish results."), code="forbidden")


def term_results_publish(*, term: Term, actor, request=None) -> dict:
    """Compute the term's results (the weights must total 100) and publish them. Returns the counts."""
    _require_admin(actor)
    with transaction.atomic():
        term = Term.objects.select_for_update().get(pk=term.pk)
        if term.is_published:
            raise ValidationError(_("%(term)s is already published.") % {"term": term}, code="published")
        weights_check(term=term)
        counts = term_results_compute(term=term)
        if not counts["term_results"]:
            raise ValidationError(_("%(term)s has no results to publish: no marks are entered yet.") % {"term": term},
                                  code="empty")
        term.results_published_at = timezone.now()
        term.results_published_by = actor
        term.save(update_fields=["results_published_at", "results_published_by"])
        audit_record(action="results.published", actor=actor, target=term,
                     detail={"students": counts["term_results"], "subject_results": counts["subject_results"]},
                     request=request)
    return counts


def term_results_unpublish(*, term: Term, actor, reason: str, request=None) -> Term:
    """Make a published term's results drafts again (hidden from parents, marks open)."""
    _require_admin(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the results are being unpublished.")})
    with transaction.atomic():
        term = Term.objects.select_for_update().get(pk=term.pk)
        if not term.is_published:
            raise ValidationError(_("%(term)s is not published.") % {"term": term}, code="not_published")
        published_at = term.results_published_at
        term.results_published_at = None
        term.results_published_by = None
        term.save(update_fields=["results_published_at", "results_published_by"])
        audit_record(action="results.unpublished", actor=actor, target=term,
                     detail={"reason": reason[:300], "was_published_at": published_at.isoformat()}, request=request)
    return term
