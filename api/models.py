"""Personal API tokens: a person's key for scripts, acting with that person's rights."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """One personal token. Only a SHA-256 of the secret is kept; the short prefix names it on the
    tokens page and never opens anything by itself."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, db_index=True)
    hashed = models.CharField(max_length=64, unique=True)
    created_on = models.DateTimeField(default=timezone.now)
    expires_on = models.DateTimeField()
    last_used_on = models.DateTimeField(null=True, blank=True)
    revoked_on = models.DateTimeField(null=True, blank=True)
    # A token made in a sign-in verified by the second factor stands in for it (poet.two_factor).
    second_factor = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_on"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_on is None and self.expires_on > timezone.now()

    @property
    def state(self) -> str:
        """In the users' words, for the tokens page."""
        if self.revoked_on is not None:
            return "Revoked"
        if self.expires_on <= timezone.now():
            return "Expired"
        return "Active"
