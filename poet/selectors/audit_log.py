"""The audit log in words: each kind of event has a plain label and its details a sentence.

The core names its own kinds; every app names its kinds with `register_audit_kinds` (from its
`AppConfig.ready`), so the log page knows no app (DESIGN §7). A kind nobody named still reads as
words: its code made into a phrase, its details as "name: value" pairs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from poet.models import AuditEvent, Partnership, Role

Describe = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class AuditKind:
    label: str | Promise  # lazy where it is named at import, so it follows the page's language
    describe: Describe | None = None


_KINDS: dict[str, AuditKind] = {}
QUIET = {"wave", "sha256"}  # the wave is the event's "Of"; a file's fingerprint says nothing


def register_audit_kinds(kinds: Mapping[str, AuditKind | str | Promise]) -> None:
    """Name kinds of audit event: a label, or a label and a function that puts its details in
    words."""
    for action, kind in kinds.items():
        _KINDS[action] = kind if isinstance(kind, AuditKind) else AuditKind(kind)


def word(value: Any) -> str:
    """A detail's value as people write it."""
    if value is None or value == "":
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list | tuple):
        return ", ".join(word(v) for v in value) if value else _("none")
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {word(v)}" for k, v in value.items())
    return str(value)


def changed(what: str, old: Any, new: Any) -> str:
    """'k changed from 10 to 5'."""
    return _("%(what)s changed from %(old)s to %(new)s") % {
        "what": what,
        "old": word(old),
        "new": word(new),
    }


def _label(kind: AuditKind) -> str:
    """A label in the reader's language: a lazy one is translated by `str`, one marked with
    gettext_noop (the apps' kinds) here."""
    return _(str(kind.label))


def audit_label(action: str) -> str:
    """The kind's plain label; an unnamed kind's code made into words."""
    kind = _KINDS.get(action)
    if kind is not None:
        return _label(kind)
    text = action.replace(".", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def audit_details(event: AuditEvent) -> str:
    """The event's details in words ('' when it has none)."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    kind = _KINDS.get(event.action)
    if kind is not None and kind.describe is not None:
        try:
            return kind.describe(detail)
        except (KeyError, TypeError, ValueError):
            pass  # an older event of a different shape: fall back to the pairs
    if not detail:
        return ""
    if set(detail) == {"old", "new"}:
        return _("From %(old)s to %(new)s") % {
            "old": word(detail["old"]),
            "new": word(detail["new"]),
        }
    shown = {k: v for k, v in detail.items() if k not in QUIET}
    return "; ".join(f"{key.replace('_', ' ')}: {word(value)}" for key, value in shown.items())


def audit_kinds() -> dict[str, str]:
    """Every named kind and its label."""
    return {action: _label(kind) for action, kind in _KINDS.items()}


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log page is narrowed to; empty fields narrow nothing."""

    person: int | None = None
    kind: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


def audit_events(partnership: Partnership, chosen: AuditFilter) -> QuerySet[AuditEvent]:
    """The partnership's events, newest first, as narrowed."""
    events = AuditEvent.objects.filter(partnership=partnership).select_related("actor")
    if chosen.person is not None:
        events = events.filter(actor_id=chosen.person)
    if chosen.kind:
        events = events.filter(action=chosen.kind)
    if chosen.since:
        events = events.filter(created_at__date__gte=chosen.since)
    if chosen.until:
        events = events.filter(created_at__date__lte=chosen.until)
    return events


def audit_people(partnership: Partnership) -> list[tuple[int, str]]:
    """Everyone who appears in the partnership's log, by name."""
    from django.contrib.auth import get_user_model

    ids = (
        AuditEvent.objects.filter(partnership=partnership, actor__isnull=False)
        .values_list("actor_id", flat=True)
        .distinct()
    )
    users = get_user_model().objects.filter(pk__in=ids)
    people = [(u.pk, u.get_full_name() or u.get_username()) for u in users]
    return sorted(people, key=lambda p: p[1].lower())


def audit_kinds_in(partnership: Partnership) -> list[tuple[str, str]]:
    """The kinds of event the partnership's log holds, by label."""
    actions = (
        AuditEvent.objects.filter(partnership=partnership)
        .values_list("action", flat=True)
        .distinct()
        .order_by()
    )
    return sorted(((a, audit_label(a)) for a in set(actions)), key=lambda k: k[1].lower())


def _role(value: Any) -> str:
    try:
        return Role(value).label.lower()
    except ValueError:
        return word(value)


register_audit_kinds(
    {
        "partnership.created": gettext_lazy("Partnership created"),
        "partnership.k_changed": AuditKind(
            gettext_lazy("Minimum group size changed"), lambda d: changed("k", d["old"], d["new"])
        ),
        "partnership.thresholds_changed": AuditKind(
            gettext_lazy("Celebration and development thresholds changed"),
            lambda d: (
                changed(
                    _("Area for celebration"),
                    f"{d['old']['celebrate']}%",
                    f"{d['new']['celebrate']}%",
                )
                + "; "
                + changed(
                    _("area for development"), f"{d['old']['develop']}%", f"{d['new']['develop']}%"
                )
            ),
        ),
        "partnership.source_files_changed": AuditKind(
            gettext_lazy("Keeping original files of notes and transcripts changed"),
            lambda d: _("Original files kept") if d.get("new") else _("Only the masked text kept"),
        ),
        "partnership.two_factor_required": AuditKind(
            gettext_lazy("Two-factor authentication required"),
            lambda d: _("Evaluators and administrators must use it"),
        ),
        "partnership.two_factor_optional": AuditKind(
            gettext_lazy("Two-factor authentication made optional"), lambda d: _("Members choose")
        ),
        "account.two_factor_added": gettext_lazy("Two-factor authentication set up"),
        "member.added": AuditKind(
            gettext_lazy("Member added"), lambda d: _("As %(role)s") % {"role": _role(d["role"])}
        ),
        "member.removed": gettext_lazy("Member removed"),
        "member.role_changed": AuditKind(
            gettext_lazy("Member's role changed"),
            lambda d: changed(_("Role"), _role(d["old"]), _role(d["new"])),
        ),
        "organisation.added": gettext_lazy("Organisation added"),
        "organisation.removed": gettext_lazy("Organisation removed"),
        "staffgroup.added": gettext_lazy("Staff group added"),
        "staffgroup.removed": gettext_lazy("Staff group removed"),
        "usergroup.added": gettext_lazy("User group added"),
        "usergroup.removed": gettext_lazy("User group removed"),
        "wave.created": gettext_lazy("Wave created"),
        "audit_log.downloaded": gettext_lazy("Audit log downloaded"),
    }
)
