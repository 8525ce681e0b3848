"""Importing answers collected elsewhere (DESIGN §5): all or nothing, a message per bad row."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from outcomes.models import FollowUpSchedule, Participant, ParticipantResponse
from outcomes.services.imports import MAX_MESSAGES, ImportRefused, import_answers
from poet.models import (
    AuditEvent,
    Organisation,
    OutcomeStatement,
    Partnership,
    StaffGroup,
    UserGroup,
    Wave,
)
from surveys.models import Answer, Item, Questionnaire, Response
from tests.factories import (
    ItemFactory,
    OrganisationFactory,
    QuestionnaireFactory,
    SectionFactory,
    StaffGroupFactory,
    UserGroupFactory,
    WaveFactory,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
HEADER = "respondent,audience,organisation,group,item,value\n"


@pytest.fixture
def wave():
    """north/baseline with a staff and a follow-up questionnaire, as the product builds them."""
    wave = WaveFactory(partnership__slug="north", slug="baseline", name="Baseline 2026")
    p = wave.partnership
    OrganisationFactory(partnership=p, name="Council")
    OrganisationFactory(partnership=p, name="Hospital")
    StaffGroupFactory(partnership=p, name="Nurse")
    StaffGroupFactory(partnership=p, name="Social worker")
    UserGroupFactory(partnership=p, name="Older people")
    home, _ = OutcomeStatement.objects.get_or_create(
        partnership=None, code="O-HOME", defaults={"text": "I can stay living in my own home"}
    )
    staff = SectionFactory(questionnaire=QuestionnaireFactory(wave=wave, audience="staff"))
    ItemFactory(section=staff, code="P-TRUST-1", domain="D-TRUST")
    for measure in ("importance", "achievement"):
        ItemFactory(
            section=staff, code=f"O-HOME.{measure}", outcome=home, measure=measure, scale=measure
        )
    ItemFactory(section=staff, code="STAFF-TEXT", kind=Item.Kind.TEXT, scale="")
    follow = SectionFactory(questionnaire=QuestionnaireFactory(wave=wave, audience="follow_up"))
    for measure in ("importance", "achievement"):
        ItemFactory(
            section=follow, code=f"O-HOME.{measure}", outcome=home, measure=measure, scale=measure
        )
    ItemFactory(section=follow, code="OWN-WORDS", kind=Item.Kind.TEXT, scale="")
    return wave


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Response,
            Answer,
            Participant,
            ParticipantResponse,
            FollowUpSchedule,
            Partnership,
            Wave,
            Organisation,
            StaffGroup,
            UserGroup,
            OutcomeStatement,
            Questionnaire,
            Item,
        )
    }


def refused(csv: str | bytes, **kwargs) -> list[str]:
    """Import a file that must be refused; check nothing was stored; return the messages."""
    before = counts()
    data = csv.encode() if isinstance(csv, str) else csv
    with pytest.raises(ImportRefused) as caught:
        import_answers("north", "baseline", data, **kwargs)
    assert counts() == before
    return caught.value.messages


def answer(code: str, item: str) -> Answer:
    return Answer.objects.get(item__code=item, response=response_of(code, item))


def response_of(code: str, item: str) -> Response:
    return Response.objects.get(answers__item__code=item, participant__participant__code=code)


def test_a_good_file_stores_responses_answers_and_participants(wave):
    result = import_answers("north", "baseline", DATA / "good.csv")

    assert (result.rows, result.responses, result.answers) == (10, 4, 10)
    assert (result.staff, result.service_users, result.carers, result.participants) == (2, 1, 1, 2)
    staff = Response.objects.filter(wave=wave, audience="staff").order_by("pk")
    assert [(r.organisation.name, r.staff_group.name, r.user_group) for r in staff] == [
        ("Council", "Nurse", None),
        ("Hospital", "Social worker", None),
    ]
    s1, s2 = staff
    assert s1.questionnaire.audience == "staff"
    by_code = {a.item.code: a for a in s1.answers.select_related("item")}
    assert by_code["P-TRUST-1"].number == 4
    assert by_code["O-HOME.importance"].number == 5
    dk = by_code["O-HOME.achievement"]
    assert (dk.number, dk.dont_know) == (None, True)
    assert by_code["STAFF-TEXT"].text == "More time, please"
    empty = s2.answers.get(item__code="P-TRUST-1")
    assert (empty.number, empty.dont_know) == (None, True)

    users = Response.objects.filter(wave=wave).exclude(audience="staff").order_by("pk")
    assert [(r.audience, r.user_group.name, r.organisation, r.staff_group) for r in users] == [
        ("service_user", "Older people", None, None),
        ("carer", "Older people", None, None),
    ]
    assert {r.questionnaire.audience for r in users} == {"follow_up"}
    assert answer("P-001", "O-HOME.importance").number == 2
    assert answer("P-001", "OWN-WORDS").text == "Seeing the same nurse"
    carer_dk = answer("P-002", "O-HOME.importance")
    assert (carer_dk.number, carer_dk.dont_know) == (None, True)

    participants = Participant.objects.filter(schedule__wave=wave).order_by("code")
    assert [(p.code, p.audience, p.user_group.name) for p in participants] == [
        ("P-001", "service_user", "Older people"),
        ("P-002", "carer", "Older people"),
    ]
    assert all(p.consent_given_on is None for p in participants)
    assert set(ParticipantResponse.objects.values_list("capture", flat=True)) == {"imported"}
    assert any("consent" in note for note in result.notes)
    # Only the day is kept, and staff responses carry nothing that names the person.
    assert all(r.submitted_on is not None for r in Response.objects.all())
    audit = AuditEvent.objects.get(action="answers.imported")
    assert audit.partnership == wave.partnership
    assert (audit.detail["responses"], audit.detail["answers"], audit.detail["rows"]) == (4, 10, 10)


def test_every_kind_of_bad_row_is_named_with_its_line_and_nothing_is_stored(wave):
    messages = refused((DATA / "bad.csv").read_bytes())
    text = "\n".join(messages)
    expected = [
        "Line 2: unknown item 'P-TRUST-9' (not in the staff questionnaire, version 1)",
        "Line 3: value '7' of item 'O-HOME.importance' is out of range",
        "Line 4: value 'lots' of item 'O-HOME.achievement' is not a number",
        "Line 5: unknown organisation 'Castle Trust'",
        "Line 6: unknown staff group 'Astronaut'",
        "Line 7: duplicate answer of respondent 's1' to item 'O-HOME.importance' (first on line 3)",
        "Line 8: unknown audience 'volunteer'",
        "Line 9: organisation 'Council' given for a service user",
        "Line 10: unknown user group 'Children'",
        "Line 12: respondent 'P-003' has a different audience, organisation or group than on "
        "line 11",
    ]
    for message in expected:
        assert message in text, message
    assert [m.split(":")[0] for m in messages] == sorted(
        (m.split(":")[0] for m in messages), key=lambda s: int(s.split()[1])
    )


@pytest.mark.parametrize(
    "rows, message",
    [
        ("s1,staff,Council,Nurse,NOPE,3\n", "Line 2: unknown item 'NOPE'"),
        ("s1,staff,Council,Nurse,P-TRUST-1,0\n", "Line 2: value '0' of item 'P-TRUST-1' is out"),
        (
            "s1,staff,Council,Nurse,P-TRUST-1,3.5\n",
            "Line 2: value '3.5' of item 'P-TRUST-1' is out",
        ),
        ("s1,staff,Council,Nurse,P-TRUST-1,x\n", "Line 2: value 'x' of item 'P-TRUST-1' is not"),
        (
            "s1,staff,Council,Nurse,P-TRUST-1,3\ns1,staff,Council,Nurse,P-TRUST-1,4\n",
            "Line 3: duplicate answer of respondent 's1' to item 'P-TRUST-1'",
        ),
        ("s1,staff,Elsewhere,Nurse,P-TRUST-1,3\n", "Line 2: unknown organisation 'Elsewhere'"),
        ("s1,staff,Council,Pilot,P-TRUST-1,3\n", "Line 2: unknown staff group 'Pilot'"),
        ("u1,carer,,Teenagers,O-HOME.importance,3\n", "Line 2: unknown user group 'Teenagers'"),
        ("u1,guest,,Older people,O-HOME.importance,3\n", "Line 2: unknown audience 'guest'"),
        ("s1,staff,,Nurse,P-TRUST-1,3\n", "Line 2: a staff row needs an organisation"),
        ("u1,carer,Council,Older people,OWN-WORDS,hi\n", "Line 2: organisation 'Council' given"),
        (
            "u1,carer,,Older people,OWN-WORDS,hi\n"
            "u1,service_user,,Older people,O-HOME.importance,3\n",
            "Line 3: respondent 'u1' has a different audience",
        ),
        # Staff items are not in the follow-up questionnaire, and the other way round.
        ("u1,carer,,Older people,P-TRUST-1,3\n", "Line 2: unknown item 'P-TRUST-1' (not in the "),
        (
            "u1,carer,,Older people,OWN-WORDS,x\nu2,carer,,Older people,P-2345678901234567890,x\n",
            "Line 3: unknown item",
        ),
        (
            "u123456789012345678901,carer,,Older people,OWN-WORDS,x\n",
            "Line 2: respondent 'u123456789012345678901' is too long",
        ),
    ],
)
def test_each_error_refuses_the_whole_file(wave, rows, message):
    good = "s9,staff,Council,Nurse,P-TRUST-1,4\n"  # a good row after the bad: still refused
    messages = refused(HEADER + rows + good)
    assert any(m.startswith(message) for m in messages), messages


def test_missing_columns_empty_files_and_other_encodings_are_refused(wave):
    assert refused("respondent,audience,item,value\ns1,staff,P-TRUST-1,3\n") == [
        "Missing columns organisation, group: the header row must name "
        "respondent,audience,organisation,group,item,value."
    ]
    assert "empty" in refused("")[0]
    assert "no answers" in refused(HEADER)[0]
    latin1 = (HEADER + "s1,staff,Council,Nurse,STAFF-TEXT,caf\xe9\n").encode("latin-1")
    assert "not UTF-8" in refused(latin1)[0]


def test_a_partnership_or_wave_that_does_not_exist_is_named(wave):
    with pytest.raises(ImportRefused, match="no partnership 'south'"):
        import_answers("south", "baseline", (DATA / "good.csv").read_bytes())
    with pytest.raises(ImportRefused, match="no wave 'later'"):
        import_answers("north", "later", (DATA / "good.csv").read_bytes())


def test_messages_are_capped_with_a_count_of_the_rest(wave):
    rows = "".join(f"s{i},staff,Council,Nurse,P-TRUST-1,9\n" for i in range(450))
    with pytest.raises(ImportRefused) as caught:
        import_answers("north", "baseline", (HEADER + rows).encode())
    assert caught.value.problems == 450
    assert len(caught.value.messages) == MAX_MESSAGES + 1
    assert caught.value.messages[-1] == "… and 250 more problems not listed."


def test_reimporting_is_refused_never_duplicated(wave):
    import_answers("north", "baseline", DATA / "good.csv")
    assert "already imported" in refused((DATA / "good.csv").read_bytes())[0]
    # The same people in an edited file: their participant codes give them away.
    messages = refused(HEADER + "P-001,service_user,,Older people,O-HOME.importance,4\n")
    assert messages == [
        "Line 2: respondent 'P-001' already has answers in this wave's follow-up, and a "
        "participant has one set of answers: correct them on their page, or leave their rows "
        "out (was this file imported before?)"
    ]
    # Registered without answers: still theirs, so still refused (an import makes participants).
    Participant.objects.filter(code="P-001").get().responses.all().delete()
    messages = refused(HEADER + "P-001,service_user,,Older people,O-HOME.importance,4\n")
    assert messages == [
        "Line 2: respondent 'P-001' is already a participant of this wave's follow-up "
        "(was this file imported before?)"
    ]


def test_choice_and_number_items(wave):
    section = SectionFactory(questionnaire=wave.questionnaires.get(audience="staff"))
    options = [{"value": v, "label": v.title()} for v in ("O-HOME", "O-TELL", "O-CARER")]
    ItemFactory(section=section, code="TOP3", kind="multiple", choices=options, max_choices=3)
    ItemFactory(section=section, code="YEARS", kind="number", scale="", min_value=0, max_value=60)
    import_answers(
        "north",
        "baseline",
        (
            HEADER + "s1,staff,Council,Nurse,TOP3,O-HOME;O-TELL\ns1,staff,Council,Nurse,YEARS,12\n"
        ).encode(),
    )
    assert Answer.objects.get(item__code="TOP3").choices == ["O-HOME", "O-TELL"]
    assert Answer.objects.get(item__code="YEARS").number == 12
    messages = refused(
        HEADER + "s2,staff,Council,Nurse,TOP3,O-NOPE\ns2,staff,Council,Nurse,YEARS,99\n"
    )
    assert messages[0].startswith("Line 2: value 'O-NOPE' of item 'TOP3' is not one of its")
    assert messages[1].startswith("Line 3: value '99' of item 'YEARS' is out of range")


def test_create_builds_a_whole_evaluation_from_an_empty_database():
    result = import_answers(
        "riverside-partnership", "baseline-2026", DATA / "create.csv", create=True
    )

    partnership = Partnership.objects.get(slug="riverside-partnership")
    assert partnership.name == "Riverside Partnership"
    wave = partnership.waves.get(slug="baseline-2026")
    assert wave.name == "Baseline 2026"
    assert sorted(partnership.organisations.values_list("name", "kind")) == [
        ("City Council", "other"),
        ("Riverside NHS Trust", "other"),
    ]
    assert sorted(partnership.staff_groups.values_list("name", flat=True)) == [
        "Nurse",
        "Social worker",
    ]
    assert sorted(partnership.user_groups.values_list("name", flat=True)) == [
        "Disabled children",
        "Older people",
    ]
    outcomes = partnership.outcome_statements.order_by("code")
    assert [(o.code, o.text, o.source) for o in outcomes] == [
        ("O-RIVER", "O-RIVER", "evaluator"),
        ("O-TELL", "O-TELL", "evaluator"),
    ]
    staff = wave.questionnaires.get(audience="staff")
    follow = wave.questionnaires.get(audience="follow_up")
    assert (staff.version, staff.is_frozen, follow.version, follow.is_frozen) == (1, True, 1, True)
    items = {i.code: i for i in Item.objects.filter(section__questionnaire=staff)}
    assert set(items) == {
        "P-TRUST-1",
        "P-TRUST-2",
        "O-RIVER.importance",
        "O-RIVER.achievement",
        "COMMENTS",
        "ROLE-YEARS",
    }
    assert (items["P-TRUST-1"].kind, items["P-TRUST-1"].domain) == ("likert", "D-TRUST")
    assert items["P-TRUST-1"].scale == "agreement"
    home = items["O-RIVER.importance"]
    assert (home.kind, home.scale, home.measure, home.outcome.code) == (
        "likert",
        "importance",
        "importance",
        "O-RIVER",
    )
    assert items["COMMENTS"].kind == "text"
    assert items["ROLE-YEARS"].kind == "likert"
    assert items["P-TRUST-1"].section.kind == "process"
    assert home.section.kind == "outcomes"
    follow_codes = set(
        Item.objects.filter(section__questionnaire=follow).values_list("code", flat=True)
    )
    assert follow_codes == {
        "O-RIVER.importance",
        "O-RIVER.achievement",
        "O-TELL.importance",
        "O-TELL.achievement",
    }
    # One outcome statement per code, shared by staff and follow-up items.
    assert OutcomeStatement.objects.filter(code="O-RIVER").count() == 1
    assert (result.responses, result.participants) == (4, 2)
    assert result.answers == 14  # the empty COMMENTS answer is no answer at all
    assert FollowUpSchedule.objects.get(wave=wave).participants.count() == 2
    assert set(result.created) >= {
        "partnership",
        "wave",
        "organisations",
        "staff_groups",
        "user_groups",
        "outcomes",
        "questionnaires",
    }


def test_create_reuses_library_outcomes_and_existing_names(wave):
    csv = HEADER + "n1,staff,Council,Nurse,O-HOME.importance,4\n"
    import_answers("north", "second", csv.encode(), create=True)
    item = Item.objects.get(section__questionnaire__wave__slug="second")
    assert item.outcome.partnership is None  # the built-in library statement
    assert Organisation.objects.filter(name="Council").count() == 1


def test_without_create_unknown_names_stay_errors_and_an_existing_questionnaire_is_kept(wave):
    messages = refused(HEADER + "s1,staff,Council,Nurse,NEW-ITEM,3\n", create=True)
    assert messages == [
        "Line 2: unknown item 'NEW-ITEM' (not in the staff questionnaire, version 1)"
    ]


def test_the_command_imports_and_reports(wave):
    out = io.StringIO()
    call_command("import_answers", "north", "baseline", str(DATA / "good.csv"), stdout=out)
    assert "Imported 10 answers from 4 respondents" in out.getvalue()
    assert Response.objects.count() == 4


def test_the_command_prints_each_bad_row_and_fails(wave):
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"refused \(\d+ problems\); nothing was stored"):
        call_command("import_answers", "north", "baseline", str(DATA / "bad.csv"), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0].startswith("Line 2: unknown item 'P-TRUST-9'")
    assert any(line.startswith("Line 5: unknown organisation") for line in lines)
    assert Response.objects.count() == 0


def test_the_command_with_create_and_a_missing_file(tmp_path):
    out = io.StringIO()
    call_command("import_answers", "river", "one", str(DATA / "create.csv"), "--create", stdout=out)
    assert "Created partnership: river" in out.getvalue()
    with pytest.raises(CommandError, match="no file"):
        call_command("import_answers", "river", "one", str(tmp_path / "nope.csv"))


@pytest.mark.parametrize(
    "csv, message",
    [
        (
            HEADER + "s1,staff,Council,Nurse,STAFF-TEXT,more, time\n",
            "Line 2: more values than columns; put values that contain commas in double quotes.",
        ),
        (
            HEADER + "s1,staff,Council,Nurse,P-TRUST-1,4\ns1,staff,Council,Nurse,STAFF-TEXT,a,b\n",
            "Line 3: 7 values where the header has 6; put values that contain commas in double "
            "quotes.",
        ),
    ],
)
def test_rows_with_too_many_values_are_named(wave, csv, message):
    assert refused(csv) == [message]


def test_a_row_with_too_few_values_is_an_empty_item(wave):
    assert refused(HEADER + "s1,staff,Council\n") == [
        "Line 2: a staff row needs a staff group",
        "Line 2: the item is empty",
    ]


def test_an_uploaded_file_is_read_like_a_path(wave):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("answers.csv", (DATA / "good.csv").read_bytes(), "text/csv")
    assert import_answers("north", "baseline", upload).responses == 4
    text = io.StringIO(HEADER + "s7,staff,Council,Nurse,P-TRUST-1,2\n")
    assert import_answers("north", "baseline", text).answers == 1


def test_spaces_around_values_and_the_case_of_the_audience_do_not_matter(wave):
    csv = HEADER + " s1 , Staff , Council , Nurse , P-TRUST-1 , 4 \n"
    result = import_answers("north", "baseline", csv.encode())
    assert (result.staff, result.answers) == (1, 1)
    assert Answer.objects.get().number == 4


def test_blank_lines_are_skipped_but_counted_in_line_numbers(wave):
    csv = HEADER + "\ns1,staff,Council,Nurse,P-TRUST-1,4\n,,,,,\ns2,staff,Council,Nurse,NOPE,4\n\n"
    assert refused(csv) == [
        "Line 5: unknown item 'NOPE' (not in the staff questionnaire, version 1)"
    ]
    result = import_answers(
        "north", "baseline", (HEADER + "\ns1,staff,Council,Nurse,P-TRUST-1,4\n\n").encode()
    )
    assert result.answers == 1


@pytest.mark.parametrize(
    ("code", "why"),
    [
        ("P/1", "has characters a participant code cannot have ('/')"),
        ("P 1", "has characters a participant code cannot have (' ')"),
        ("P?1#", "has characters a participant code cannot have ('#' '?')"),
        ("%2F", "has characters a participant code cannot have ('%')"),
        ("..", "needs a letter or a digit"),
    ],
)
def test_respondents_that_cannot_be_participant_codes_are_named(wave, code, why):
    """A service user's respondent id becomes their participant code, which names their pages."""
    rows = f'u1,carer,,Older people,OWN-WORDS,x\n"{code}",carer,,Older people,OWN-WORDS,x\n'
    messages = refused(HEADER + rows)
    assert messages == [
        f"Line 3: respondent '{code}' {why}: use letters, digits, hyphens, "
        "underscores or dots, such as P-017"
    ], messages


def test_staff_respondent_ids_are_never_stored_so_any_id_will_do(wave):
    data = (HEADER + "s/1 x,staff,Council,Nurse,P-TRUST-1,4\n").encode()
    result = import_answers("north", "baseline", data)
    assert result.staff == 1


STAFF_CLOSED = "This wave's staff survey is closed: answers can no longer be added."
FOLLOW_UP_CLOSED = "This wave's follow-up is closed: answers can no longer be added."
STAFF_ROW = "s1,staff,Council,Nurse,P-TRUST-1,4\n"
USER_ROW = "u1,carer,,Older people,OWN-WORDS,x\n"


def test_staff_answers_are_refused_once_the_staff_survey_has_closed(wave):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    assert refused(HEADER + STAFF_ROW + USER_ROW) == [STAFF_CLOSED]
    # The follow-up runs on its own timetable: its answers still come in.
    assert import_answers("north", "baseline", (HEADER + USER_ROW).encode()).carers == 1


def test_an_open_wave_past_its_closing_date_is_closed_too(wave):
    import datetime

    from django.utils import timezone

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.OPEN, closes_on=yesterday)
    assert refused(HEADER + STAFF_ROW) == [STAFF_CLOSED]


def test_users_answers_are_refused_once_the_follow_up_has_closed(wave):
    FollowUpSchedule.objects.create(wave=wave, status=FollowUpSchedule.Status.CLOSED)
    assert refused(HEADER + USER_ROW + STAFF_ROW) == [FOLLOW_UP_CLOSED]
    assert import_answers("north", "baseline", (HEADER + STAFF_ROW).encode()).staff == 1


def test_the_command_refuses_a_closed_wave(wave, tmp_path):
    Wave.objects.filter(pk=wave.pk).update(status=Wave.Status.CLOSED)
    path = tmp_path / "answers.csv"
    path.write_text(HEADER + STAFF_ROW)
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was stored"):
        call_command("import_answers", "north", "baseline", str(path), stderr=err)
    assert err.getvalue().strip() == STAFF_CLOSED
    assert Response.objects.count() == 0
