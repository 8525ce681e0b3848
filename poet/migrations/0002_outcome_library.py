"""Load the built-in library of outcome statements (poet/library.py) as library statements."""

from django.db import migrations

from poet.library import OUTCOME_LIBRARY


def load_library(apps, schema_editor):
    OutcomeStatement = apps.get_model("poet", "OutcomeStatement")
    for outcome in OUTCOME_LIBRARY:
        OutcomeStatement.objects.update_or_create(
            partnership=None,
            code=outcome.code,
            defaults={
                "text": outcome.text,
                "easy_read_text": outcome.easy_read_text,
                "source": "library",
            },
        )


def unload_library(apps, schema_editor):
    OutcomeStatement = apps.get_model("poet", "OutcomeStatement")
    OutcomeStatement.objects.filter(
        partnership=None, code__in=[o.code for o in OUTCOME_LIBRARY]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("poet", "0001_initial")]

    operations = [migrations.RunPython(load_library, unload_library)]
