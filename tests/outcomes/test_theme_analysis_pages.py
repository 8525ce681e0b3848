"""The Themes and framework matrix pages (issue 16, item 5), through the test client as an
evaluator sees them: counts by audience and session type with small groups hidden (and not
given back by subtraction), the empty states, the matrix's passages without names, and its CSV
download recorded in the audit log."""

from datetime import date
from html import unescape

import pytest

from outcomes.models import Coding, Participant, QualitativeSource, Theme
from poet.models import AuditEvent, Role
from tests.factories import OrganisationFactory, StaffGroupFactory, member
from tests.outcomes.coding_support import TRANSCRIPT, build_coded_follow_up, the_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    built = build_coded_follow_up()
    built.partnership.minimum_group_size = 3
    built.partnership.save()
    return built


def text_of(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def in_session(built, people: int) -> None:
    """`people` participants registered for the interview."""
    for i in range(people):
        Participant.objects.create(
            schedule=built.schedule,
            code=f"P-{i:03}",
            audience="service_user",
            user_group=built.user_group,
            session=built.session,
            consent_given_on=date(2026, 11, 2),
            consent_method=Participant.ConsentMethod.WRITTEN,
        )


def staff_answers(built, texts: list[str]) -> list[QualitativeSource]:
    org = OrganisationFactory(partnership=built.partnership, name="Riverside Trust")
    group = StaffGroupFactory(partnership=built.partnership, name="Nurses")
    return [
        QualitativeSource.objects.create(
            schedule=built.schedule,
            kind="answer",
            audience="staff",
            organisation=org,
            staff_group=group,
            text=text,
            masking="confirmed",
        )
        for text in texts
    ]


def code(built, source, theme, start=0, end=None) -> Coding:
    return Coding.objects.create(
        source=source,
        theme=theme,
        coder=built.evaluator,
        start=start,
        end=end if end is not None else len(source.text),
    )


def theme_named(built, name="Transport") -> Theme:
    return Theme.objects.create(schedule=built.schedule, name=name)


def test_the_themes_page_without_themes_says_what_to_do(client, built):
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("themes")))
    assert "The codebook has no themes yet" in text
    assert "data-theme-counts" not in text


def test_a_theme_from_one_interview_is_hidden_below_k(client, built):
    in_session(built, 3)
    transport = theme_named(built)
    code(built, the_source(built), transport, 0, 20)
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("themes")))
    assert "Service users, interview" in text
    assert "hidden: fewer than 3 people" in text
    assert "1 person" not in text
    assert "Figures about fewer than 3 people are hidden" in text
    assert "never more than really mentioned the theme" in text  # who counts as a person


def test_the_hidden_interview_is_not_given_back_by_the_total_minus_staff(client, built):
    in_session(built, 3)
    transport = theme_named(built)
    code(built, the_source(built), transport, 0, 20)
    for source in staff_answers(built, [f"The bus is late, says nurse {i}." for i in range(4)]):
        code(built, source, transport)
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("themes")))
    # the total (5) less the staff (4) would give the one user: one of the two is hidden
    assert not ("4 people" in text and "5 people" in text)
    assert "4 people" in text or "5 people" in text
    assert "hidden so a smaller group cannot be worked out" in text
    assert "hidden: fewer than 3 people" in text


def test_a_theme_nobody_mentions_shows_zero_and_no_quotes(client, built):
    in_session(built, 3)
    theme_named(built, "Loneliness")
    staff_answers(built, ["Nothing to add.", "Fine.", "Good service."])
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("themes")))
    assert "Loneliness" in text
    assert "0 people" in text
    assert "data-hidden" not in text


def test_a_group_below_k_shows_nothing_even_of_a_theme_nobody_mentions(client, built):
    in_session(built, 2)  # two people in the interview group: below k = 3
    theme_named(built, "Loneliness")
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("themes")))
    table = text.split("data-theme-counts", 1)[1]
    assert "hidden: fewer than 3 people" in table
    assert "0 people" not in table


def test_managers_cannot_open_the_analysis_pages(client, built):
    client.force_login(member(built.partnership, Role.MANAGER))
    for name in ("themes", "framework", "framework_csv"):
        assert client.get(built.url(name)).status_code == 403


def test_the_framework_matrix_summarises_passages_by_source_without_names(client, built):
    transport = theme_named(built)
    source = the_source(built)
    first = TRANSCRIPT.index("The bus")
    code(built, source, transport, first, TRANSCRIPT.index("\n", first))
    carer = TRANSCRIPT.index("Carer:")
    code(built, source, transport, carer, len(TRANSCRIPT))
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("framework")))
    assert "Transcript 1 (Interview)" in text
    assert "“The bus to the day centre stopped, so I see nobody.”" in text
    assert "and 1 more" in text
    assert "Sam" not in text.split("data-framework-matrix", 1)[1]  # the facilitator's name


def test_the_framework_matrix_trims_a_long_passage(client, built):
    transport = theme_named(built)
    [source] = staff_answers(built, [" ".join(f"word{i}" for i in range(40))])
    code(built, source, transport)
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("framework")))
    assert "word24…" in text and "word25" not in text


def test_the_framework_matrix_without_codings_says_so(client, built):
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("framework")))
    assert "The codebook has no themes yet." in text


def test_the_framework_csv_is_recorded_in_the_audit_log(client, built):
    transport = theme_named(built)
    code(built, the_source(built), transport, 0, 20)
    client.force_login(built.evaluator)
    response = client.get(built.url("framework_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode()
    assert body.splitlines()[0] == "Person or source,Who,Transport"
    assert "Transcript 1 (Interview),Service users,Facilitator: What ha" in body
    event = AuditEvent.objects.get(action="themes.matrix_exported")
    assert event.actor == built.evaluator and event.detail["rows"] == 1
    from poet.selectors.audit_log import audit_details, audit_label

    assert audit_label(event.action) == "Framework matrix downloaded"
    assert audit_details(event) == "1 row, 1 theme"


def test_the_codebook_links_to_the_analysis_pages(client, built):
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("codebook")))
    assert f'href="{built.url("themes")}">How many people mention each theme' in text
    assert f'href="{built.url("framework")}">Framework matrix' in text


def quotable_cell(text: str) -> str:
    return text.split("data-quotable>", 1)[1].split("<", 1)[0]


def test_a_theme_can_be_quoted_from_a_group_of_exactly_k(client, built):
    in_session(built, 3)
    code(built, the_source(built), theme_named(built), 0, 20)
    client.force_login(built.evaluator)
    assert quotable_cell(text_of(client.get(built.url("themes")))) == "Yes"


def test_a_theme_is_never_quoted_from_a_group_of_k_minus_one(client, built):
    in_session(built, 2)
    code(built, the_source(built), theme_named(built), 0, 20)
    client.force_login(built.evaluator)
    assert quotable_cell(text_of(client.get(built.url("themes")))) == "No"


def participant_answers(built, text: str) -> QualitativeSource:
    """P-000 of the interview writes `text` in the follow-up; it is collected and confirmed."""
    from outcomes.services.capture import enter_answers
    from outcomes.services.participants import check_collecting
    from outcomes.services.sources import collect_answer_sources, confirm_masking

    participant = Participant.objects.get(code="P-000")
    enter_answers(
        participant,
        check_collecting(built.schedule),
        {"O-HOME.importance": 4, "MISSING": text},
        session=built.session,
    )
    collect_answer_sources(built.schedule, actor=built.evaluator)
    source = QualitativeSource.objects.get(kind="answer")
    confirm_masking(source, actor=built.evaluator)
    return source


def test_a_participant_is_a_row_of_the_matrix_by_code_and_counted_once(client, built):
    in_session(built, 3)
    transport = theme_named(built)
    transcript = the_source(built)
    answer = participant_answers(built, "The bus never comes.")
    code(built, answer, transport)
    code(built, transcript, transport, 0, 20)
    from outcomes.selectors.themes import theme_table

    table = theme_table(built.schedule, 1)
    total = table.lines[0].cells[0].figure
    # P-000 said it in their answer; the transcript of their interview adds nobody for sure
    assert (total.sources, total.people) == (2, 1)
    client.force_login(built.evaluator)
    matrix = text_of(client.get(built.url("framework"))).split("data-framework-matrix", 1)[1]
    assert "P-000" in matrix and "“The bus never comes.”" in matrix


def test_a_sub_theme_counts_for_its_theme(built):
    from outcomes.selectors.themes import theme_table

    in_session(built, 3)
    transport = theme_named(built)
    buses = Theme.objects.create(schedule=built.schedule, name="Buses", parent=transport)
    code(built, the_source(built), buses, 0, 20)
    table = theme_table(built.schedule, 1)
    people = {line.theme.name: line.cells[0].figure.people for line in table.lines}
    assert people == {"Transport": 1, "Buses": 1}


def test_the_pages_read_in_a_few_queries_however_many_sources(
    client, built, django_assert_max_num_queries
):
    in_session(built, 3)
    transport = theme_named(built)
    for source in staff_answers(built, [f"Answer {i} about buses." for i in range(12)]):
        code(built, source, transport)
    client.force_login(built.evaluator)
    for name in ("themes", "framework"):
        with django_assert_max_num_queries(20):
            assert client.get(built.url(name)).status_code == 200


def test_sources_not_yet_confirmed_are_not_counted(client, built):
    theme_named(built)
    QualitativeSource.objects.update(masking=QualitativeSource.Masking.UNCONFIRMED)
    client.force_login(built.evaluator)
    text = text_of(client.get(built.url("themes")))
    assert "No source can be counted yet" in text
    matrix = text_of(client.get(built.url("framework")))
    assert "No source can be shown yet" in matrix


def test_a_staff_members_answers_count_as_one_person(client, built):
    """Two free-text answers of one staff response coded to a theme: two sources, one person."""
    from outcomes.selectors.themes import theme_table
    from outcomes.services.sources import collect_answer_sources, confirm_masking
    from surveys.models import Answer
    from tests.outcomes.test_sources import staff_answer

    first = staff_answer(built, "Buses are a worry.")
    item = first.item.section.items.create(code="S-MORE", kind="text", text="More?", order=2)
    Answer.objects.create(response=first.response, item=item, text="Buses again.")
    collect_answer_sources(built.schedule, actor=built.evaluator)
    transport = theme_named(built)
    for source in QualitativeSource.objects.filter(audience="staff"):
        confirm_masking(source, actor=built.evaluator)
        code(built, source, transport)
    line = theme_table(built.schedule, 1).lines[0]
    staff = next(
        c
        for c, col in zip(line.cells, theme_table(built.schedule, 1).columns, strict=True)
        if col.label == "Staff: all"
    )
    assert (staff.figure.sources, staff.figure.people) == (2, 1)
    client.force_login(built.evaluator)
    matrix = text_of(client.get(built.url("framework"))).split("data-framework-matrix", 1)[1]
    assert "Staff respondent 1" in matrix and "and 1 more" in matrix  # one row, both answers
