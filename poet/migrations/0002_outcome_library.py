"""Load the built-in library of outcome statements (poet/library.py) as library statements."""

from django.db import migrations

from poet.library import OUTCOME_LIBRARY, load_library


def load(apps, schema_editor):
    load_library(apps.get_model("poet", "OutcomeStatement"))


def unload(apps, schema_editor):
    OutcomeStatement = apps.get_model("poet", "OutcomeStatement")
    OutcomeStatement.objects.filter(
        partnership=None, code__in=[o.code for o in OUTCOME_LIBRARY]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("poet", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
