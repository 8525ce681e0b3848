"""The rule itself, in its own migration (and transaction) after the merge: PostgreSQL will not
alter a table with the merge's deletions still pending."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0004_merge_participants_entered_twice")]

    operations = [
        migrations.AddConstraint(
            model_name="participantresponse",
            constraint=models.UniqueConstraint(
                fields=("participant",), name="participant_has_one_response"
            ),
        ),
    ]
