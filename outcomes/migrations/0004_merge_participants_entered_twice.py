"""A participant has at most one response.

Participants entered twice (before this rule) are merged, never just dropped: the latest response
is kept, and every question it leaves unanswered takes the latest earlier answer to the same
question (by item code, when the kept response's questionnaire has that question). So a blank
second entry keeps the first entry's answers, and a real correction keeps the correction. The
earlier responses are then deleted (their answers with them), the session comes from the latest
entry that names one, and each merge is written to the audit log with the code and how many
responses were merged, never the answers.
"""

from django.db import migrations, models


def merge_duplicates(apps, schema_editor):
    ParticipantResponse = apps.get_model("outcomes", "ParticipantResponse")
    Response = apps.get_model("surveys", "Response")
    Answer = apps.get_model("surveys", "Answer")
    Item = apps.get_model("surveys", "Item")
    AuditEvent = apps.get_model("poet", "AuditEvent")
    twice = (
        ParticipantResponse.objects.values("participant_id")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("participant_id", flat=True)
    )
    for participant_id in list(twice):
        links = list(
            ParticipantResponse.objects.filter(participant_id=participant_id)
            .select_related("response", "participant__schedule__wave")
            .order_by("-response_id")
        )
        kept, earlier = links[0], links[1:]
        items = dict(
            Item.objects.filter(
                section__questionnaire_id=kept.response.questionnaire_id
            ).values_list("code", "pk")
        )
        have = set(
            Answer.objects.filter(response_id=kept.response_id).values_list("item__code", flat=True)
        )
        for link in earlier:  # latest first, so the latest earlier answer wins
            for answer in Answer.objects.filter(response_id=link.response_id).select_related(
                "item"
            ):
                code = answer.item.code
                if code in have or code not in items:
                    continue
                Answer.objects.create(
                    response_id=kept.response_id,
                    item_id=items[code],
                    number=answer.number,
                    text=answer.text,
                    choices=answer.choices,
                    dont_know=answer.dont_know,
                )
                have.add(code)
            if kept.session_id is None and link.session_id is not None:
                kept.session_id = link.session_id
        kept.save(update_fields=["session"])
        Response.objects.filter(pk__in=[link.response_id for link in earlier]).delete()
        participant = kept.participant
        AuditEvent.objects.create(
            action="participant.duplicates_merged",
            partnership_id=participant.schedule.wave.partnership_id,
            target=participant.code,
            detail={"responses_merged": len(links), "kept": "latest, gaps filled from earlier"},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("outcomes", "0003_participant_code_rule"),
        ("poet", "0003_require_two_factor"),
        ("surveys", "0006_open_link_headcounts"),
    ]

    operations = [
        migrations.AddField(
            model_name="participantresponse",
            name="corrected_on",
            field=models.DateField(
                blank=True, help_text="Day only: when the answers were last corrected.", null=True
            ),
        ),
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
    ]
