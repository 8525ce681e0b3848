"""Staff survey responses.

A response keeps a copy of the respondent's organisation and staff group, but no link to the
invitation or e-mail address it came from, and only the day it was submitted, so timing cannot
link it back to a person (anonymity by construction).
"""

from django.db import models

from poet.models import Organisation, StaffGroup, Wave


class Response(models.Model):
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="staff_responses")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    staff_group = models.ForeignKey(StaffGroup, on_delete=models.PROTECT)
    submitted_on = models.DateField(null=True, blank=True, help_text="Day only, never the time.")

    class Meta:
        ordering = ["wave", "pk"]

    def __str__(self) -> str:
        return f"Response {self.pk} to {self.wave}"
