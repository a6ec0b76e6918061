"""Tamper evidence for marks: the hash chain of mark changes (append, verify), the flag rules that
put suspicious changes in front of a school admin, and the review of those flags.

Services others call: `chain_append` (used by apps.results.marks), `marks_chain_verify`,
`flags_apply`, `flag_accept`, `flag_revert`, `tamper_policy_get`, `tamper_policy_update`;
reads: `flags_for_user`, `mark_history`."""

import hashlib
import ipaddress
import json
import statistics
from datetime import UTC, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.academics.models import TeachingAssignment
from apps.accounts.roles import Role
from apps.audit.services import audit_record
from apps.results.models import Mark, MarkChange, MarkFlag, TamperPolicy

GENESIS = "0" * 64
# a spread of earlier results under this many percentage points counts as this much, so a student who
# always scores 60 is not flagged for a 64
MIN_SPREAD = Decimal("5")


# --- the chain -----------------------------------------------------------------------------------------

def _number(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def _ip(value) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        return None


def change_hash(row: dict, prev_hash: str) -> str:
    """sha256 over the previous hash and the change's canonical JSON. `row` holds the model's column
    names (mark_id, actor_id, ...), as `.values()` gives them back."""
    created_at = row["created_at"]
    content = {
        "mark": row["mark_id"], "assessment": row["assessment_id_at"], "student": row["student_id_at"],
        "subject": row["subject_id_at"], "actor": row["actor_id"],
        "created_at": created_at.astimezone(UTC).isoformat() if created_at else None,
        "old_score": _number(row["old_score"]), "new_score": _number(row["new_score"]),
        "old_absent": bool(row["old_absent"]), "new_absent": bool(row["new_absent"]),
        "reason": row["reason"] or "", "ip": _ip(row["ip"]),
    }
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{payload}".encode()).hexdigest()


def _lock_chain() -> None:
    # one writer at a time per school schema (released at commit), so two never claim the same predecessor
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.marks_chain'))")


def chain_append(values: list[dict]) -> list[MarkChange]:
    """Append changes (MarkChange field values, `mark` and `actor` as objects) to the chain, in order,
    with one INSERT. Must run inside the caller's transaction."""
    if not values:
        return []
    _lock_chain()
    prev_hash = MarkChange.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    changes = []
    for fields in values:
        fields = {**fields, "ip": _ip(fields.get("ip"))}
        row = {**fields, "mark_id": fields["mark"].pk, "actor_id": getattr(fields.get("actor"), "pk", None)}
        digest = change_hash(row, prev_hash)
        changes.append(MarkChange(**fields, prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    return MarkChange.objects.bulk_create(changes)


HASHED = ("mark_id", "assessment_id_at", "student_id_at", "subject_id_at", "actor_id", "created_at", "old_score",
          "new_score", "old_absent", "new_absent", "reason", "ip")


def marks_chain_verify(*, batch: int = 5000) -> list[dict]:
    """Recompute every change's hash in id order. Returns the breaks (empty: the chain holds), each
    {"change_id", "kind", "message"}: "changed" (a row's content no longer matches its hash),
    "missing" (a row does not follow the one before it: something was removed or inserted), and
    "mark_differs" (a mark's current value is not what its last recorded change set). Marks with no
    history at all (imported or generated in bulk) are not breaks: see `marks_without_history_count`."""
    breaks = []
    prev_hash, previous_id = GENESIS, None
    rows = MarkChange.objects.order_by("id").values("id", "prev_hash", "hash", *HASHED)
    for row in rows.iterator(chunk_size=batch):
        if row["prev_hash"] != prev_hash:
            where = _("after change %(id)s") % {"id": previous_id} if previous_id else _("at the start")
            breaks.append({"change_id": row["id"], "kind": "missing",
                           "message": _("Change %(id)s does not follow the change before it (%(where)s): a change "
                                        "is missing or was inserted.") % {"id": row["id"], "where": where}})
        if change_hash(row, row["prev_hash"]) != row["hash"]:
            breaks.append({"change_id": row["id"], "kind": "changed",
                           "message": _("Change %(id)s was altered after it was written.") % {"id": row["id"]}})
        prev_hash, previous_id = row["hash"], row["id"]
    last = MarkChange.objects.filter(mark=OuterRef("pk")).order_by("-id")
    none = Value(Decimal("-1"))
    differing = (Mark.objects.annotate(last_id=Subquery(last.values("id")[:1]),
                                       last_score=Coalesce(Subquery(last.values("new_score")[:1]), none),
                                       last_absent=Subquery(last.values("new_absent")[:1]),
                                       current_score=Coalesce("score", none))
                 .filter(last_id__isnull=False)
                 .filter(~Q(is_absent=F("last_absent")) | ~Q(current_score=F("last_score")))
                 .order_by("id").values_list("id", "last_id"))
    for mark_id, last_id in differing.iterator(chunk_size=batch):
        breaks.append({"change_id": last_id, "kind": "mark_differs",
                       "message": _("Mark %(mark)s does not hold the value its history ends with: it was changed "
                                    "outside the marks entry.") % {"mark": mark_id}})
    return breaks


def marks_without_history_count() -> int:
    """Marks that never went through marks entry (a bulk import, the demo's generated year, or a row
    written straight into the database): shown beside the check, not counted as breaks."""
    return Mark.objects.exclude(Exists(MarkChange.objects.filter(mark=OuterRef("pk")))).count()


# --- flag rules ----------------------------------------------------------------------------------------

def tamper_policy_get() -> TamperPolicy:
    """The school's thresholds (an unsaved row with the defaults until an admin saves them)."""
    return TamperPolicy.objects.order_by("id").first() or TamperPolicy()


def tamper_policy_update(*, jump_sd, jump_marks, burst_changes, burst_minutes, actor, request=None) -> TamperPolicy:
    if getattr(actor, "role", None) != Role.SCHOOL_ADMIN:
        raise PermissionDenied
    with transaction.atomic():
        policy = TamperPolicy.objects.select_for_update().order_by("id").first() or TamperPolicy()
        before = {name: str(getattr(policy, name)) for name in ("jump_sd", "jump_marks", "burst_changes",
                                                                 "burst_minutes")}
        policy.jump_sd, policy.jump_marks = jump_sd, jump_marks
        policy.burst_changes, policy.burst_minutes = burst_changes, burst_minutes
        policy.full_clean()
        policy.save()
        after = {name: str(getattr(policy, name)) for name in before}
        audit_record(action="results.tamper_policy_update", actor=actor, target=policy, request=request,
                     changes={name: [before[name], after[name]] for name in before if before[name] != after[name]})
    return policy


def _is_blank(score, absent) -> bool:
    return score is None and not absent


def _percent(score, max_mark) -> Decimal:
    return Decimal(score) * 100 / Decimal(max_mark)


def _earlier_results(*, assessment, subject_id, student_ids) -> dict[int, list[Decimal]]:
    """Each student's percentages in this subject in the assessments before this one (earlier terms,
    then earlier in this term), oldest first. One query."""
    term = assessment.term
    here = (term.starts_on, assessment.order, assessment.pk)
    rows = (Mark.objects.filter(student_id__in=student_ids, subject_id=subject_id, score__isnull=False)
            .exclude(assessment=assessment)
            .values_list("student_id", "score", "assessment__max_mark", "assessment__term__starts_on",
                         "assessment__order", "assessment_id"))
    found: dict[int, list] = {}
    for student_id, score, max_mark, starts_on, order, assessment_id in rows:
        key = (starts_on, order, assessment_id)
        if key < here:
            found.setdefault(student_id, []).append((key, _percent(score, max_mark)))
    return {student: [percent for _key, percent in sorted(results)] for student, results in found.items()}


def jump_detail(*, percent: Decimal, earlier: list[Decimal], policy) -> str:
    """Why a new percentage is an unusual jump from the earlier ones ("" when it is not)."""
    if not earlier:
        return ""
    if len(earlier) >= 3:
        mean = statistics.fmean(earlier)
        spread = max(Decimal(str(statistics.stdev(earlier))), MIN_SPREAD)
        distance = abs(Decimal(str(mean)) - percent) / spread
        if distance > policy.jump_sd:
            return _("%(new)s%% is %(sd)s standard deviations from the mean of earlier results (%(mean)s%%).") % {
                "new": f"{percent:.0f}", "sd": f"{distance:.1f}", "mean": f"{mean:.0f}"}
    previous = earlier[-1]
    if abs(percent - previous) > policy.jump_marks:
        return _("%(new)s%% against %(previous)s%% in the previous assessment.") % {
            "new": f"{percent:.0f}", "previous": f"{previous:.0f}"}
    return ""


def flags_apply(*, changes: list[MarkChange], assessment, stream_id) -> list[MarkFlag]:
    """Run the flag rules over new changes of one assessment, subject and stream (all by one actor)."""
    if not changes:
        return []
    policy = tamper_policy_get()
    subject_id = changes[0].subject_id_at
    actor_id = changes[0].actor_id
    flags = []
    if assessment.term.results_published_at is not None:
        flags += [MarkFlag(change=change, rule=MarkFlag.Rule.AFTER_PUBLICATION,
                           detail=_("Results were published on %(date)s.") % {
                               "date": timezone.localtime(assessment.term.results_published_at).strftime("%Y-%m-%d")})
                  for change in changes]
    teacher_id = (TeachingAssignment.objects.filter(stream_id=stream_id, subject_id=subject_id)
                  .values_list("teacher_id", flat=True).first())
    if actor_id is None or actor_id != teacher_id:
        detail = (_("No teacher is assigned to this subject in this stream.") if teacher_id is None
                  else _("Changed by %(who)s, not the subject teacher.") % {"who": changes[0].actor_name or "?"})
        flags += [MarkFlag(change=change, rule=MarkFlag.Rule.NOT_ASSIGNED, detail=detail) for change in changes]
    scored = [change for change in changes if change.new_score is not None]
    if scored:
        earlier = _earlier_results(assessment=assessment, subject_id=subject_id,
                                   student_ids=[change.student_id_at for change in scored])
        for change in scored:
            detail = jump_detail(percent=_percent(change.new_score, assessment.max_mark),
                                 earlier=earlier.get(change.student_id_at, []), policy=policy)
            if detail:
                flags.append(MarkFlag(change=change, rule=MarkFlag.Rule.JUMP, detail=detail))
    # a burst: changes to marks already entered (a first entry is not suspicious, however fast)
    edits = [change for change in changes if not _is_blank(change.old_score, change.old_absent)]
    if edits and actor_id is not None:
        since = edits[0].created_at - timedelta(minutes=policy.burst_minutes)
        count = (MarkChange.objects.filter(actor_id=actor_id, created_at__gte=since)
                 .exclude(id__in=[change.pk for change in changes])
                 .exclude(old_score__isnull=True, old_absent=False).count())
        for change in edits:
            count += 1
            if count == policy.burst_changes + 1:
                flags.append(MarkFlag(change=change, rule=MarkFlag.Rule.BURST, detail=_(
                    "%(count)s changes to entered marks within %(minutes)s minutes.") % {
                    "count": count, "minutes": policy.burst_minutes}))
    return MarkFlag.objects.bulk_create(flags)


# --- review --------------------------------------------------------------------------------------------

def flags_for_user(*, user, rule: str = "", status: str = "") -> QuerySet[MarkFlag]:
    """The review queue: school admins only (everyone else sees nothing)."""
    if getattr(user, "role", None) != Role.SCHOOL_ADMIN:
        return MarkFlag.objects.none()
    flags = MarkFlag.objects.select_related(
        "change__mark__student", "change__mark__subject", "change__mark__assessment", "reviewed_by")
    if rule:
        flags = flags.filter(rule=rule)
    if status:
        flags = flags.filter(status=status)
    return flags.order_by("-created_at", "-id")


def mark_history(*, mark) -> QuerySet[MarkChange]:
    return MarkChange.objects.filter(mark=mark).select_related("actor").prefetch_related("flags").order_by("id")


def _require_admin(actor):
    if getattr(actor, "role", None) != Role.SCHOOL_ADMIN:
        raise PermissionDenied(_("Only a school admin reviews flagged changes."))


def _settle(*, flag, status, note, actor) -> list[MarkFlag]:
    now = timezone.now()
    open_flags = list(MarkFlag.objects.select_for_update().filter(change_id=flag.change_id,
                                                                   status=MarkFlag.Status.OPEN))
    if not open_flags:
        raise ValidationError(_("This flag was reviewed already."), code="reviewed")
    for item in open_flags:
        item.status, item.reviewed_by, item.reviewed_at, item.review_note = status, actor, now, note[:300]
    MarkFlag.objects.bulk_update(open_flags, ["status", "reviewed_by", "reviewed_at", "review_note"])
    flag.refresh_from_db()
    return open_flags


def flag_accept(*, flag: MarkFlag, note: str, actor, request=None) -> MarkFlag:
    """The change stands. Settles every open flag of the same change; a note is required."""
    _require_admin(actor)
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Write a note saying why the change is accepted."), code="note_required")
    with transaction.atomic():
        settled = _settle(flag=flag, status=MarkFlag.Status.ACCEPTED, note=note, actor=actor)
        audit_record(action="results.flag_accept", actor=actor, target=flag.change, request=request,
                     changes={"flags": [item.pk for item in settled], "status": "accepted"},
                     detail={"note": note, "rules": [item.rule for item in settled]})
    return flag


def flag_revert(*, flag: MarkFlag, note: str = "", actor, request=None) -> MarkFlag:
    """Put the mark back to its value before the flagged change (itself a chained change, with the
    reason "reverted after review"). Refused when the mark was changed again since."""
    from apps.results.marks import REVERT_REASON, mark_display, mark_set

    _require_admin(actor)
    note = (note or "").strip()
    with transaction.atomic():
        change = MarkChange.objects.select_related("mark__assessment__term", "mark__student", "mark__subject").get(
            pk=flag.change_id)
        mark = Mark.objects.select_for_update().get(pk=change.mark_id)
        if (mark.score, mark.is_absent) != (change.new_score, change.new_absent):
            raise ValidationError(_("This mark was changed again after the flagged change; review the later "
                                    "change instead."), code="changed_since")
        settled = _settle(flag=flag, status=MarkFlag.Status.REVERTED, note=note, actor=actor)
        mark_set(assessment=change.mark.assessment, student=change.mark.student, subject=change.mark.subject,
                 value=mark_display(change.old_score, change.old_absent), reason=REVERT_REASON, actor=actor,
                 request=request, _review=True)
        audit_record(action="results.flag_revert", actor=actor, target=change, request=request,
                     changes={"flags": [item.pk for item in settled], "status": "reverted",
                              "mark": [mark_display(change.new_score, change.new_absent),
                                       mark_display(change.old_score, change.old_absent)]},
                     detail={"note": note, "rules": [item.rule for item in settled]})
    return flag
