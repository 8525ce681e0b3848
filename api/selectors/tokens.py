"""A person's API tokens, for the tokens page."""

from django.db.models import QuerySet

from api.models import ApiToken


def tokens_of(user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_on")


def token_of(user, token_id: int) -> ApiToken | None:
    """One of the person's own tokens (another person's is as if it did not exist)."""
    return ApiToken.objects.filter(user=user, pk=token_id).first()
