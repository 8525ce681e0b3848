"""The audit log: every service that changes something people rely on records who, what and why."""

from poet.models import AuditEvent, Partnership


def record_audit(
    action: str,
    *,
    actor=None,
    partnership: Partnership | None = None,
    target: str = "",
    reason: str = "",
    **detail: object,
) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        partnership=partnership,
        target=target[:300],
        reason=reason,
        detail=detail,
    )
