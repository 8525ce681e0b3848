"""The notice that open-link responses await confirmation, for pages of a wave."""

from django import template

from poet.models import Wave
from poet.permissions import Access, Right
from surveys.selectors.headcounts import awaiting_total

register = template.Library()


@register.inclusion_tag("surveys/_awaiting_notice.html")
def awaiting_notice(access: Access, wave: Wave) -> dict:
    """A banner linking to the confirmation page, for those who may confirm, when any wait."""
    count = awaiting_total(wave) if access is not None and access.can(Right.EVALUATE) else 0
    return {"count": count, "partnership": access.partnership if access else None, "wave": wave}
