"""Receivers of the survey engine's signals (connected in OutcomesConfig.ready)."""

from outcomes.services.participants import link_self_completed
from surveys.models import Response


def response_submitted(sender, response: Response, context: dict, **kwargs) -> None:
    """A participant submitted by their own link: link the response to them."""
    if not context or "participant" not in context:
        return
    link_self_completed(response, context, easy_read=bool(kwargs.get("easy_read")))
