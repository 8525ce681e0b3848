"""The qualitative evidence pages in Welsh (issue 17, item 1): an evaluator who chose Cymraeg (the
language cookie the header's switch sets) reads the notes and transcripts, a refused upload's
reason, the coding page, the codebook, the agreement between coders, the Themes page and the
framework matrix in Welsh, their flash messages too; without the choice every page is in English
as before."""

from datetime import date
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from outcomes.models import Coding, Participant, QualitativeSource, Theme
from outcomes.services import codebook, coding
from outcomes.services.sources import add_source
from poet.analysis.agreement import paragraphs
from tests.factories import OrganisationFactory, StaffGroupFactory
from tests.outcomes.coding_support import build_coded_follow_up, second_coder, the_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    """The coded follow-up, its interview with three participants (k = 3), so its figures show."""
    built = build_coded_follow_up()
    built.partnership.minimum_group_size = 3
    built.partnership.save()
    for i in range(3):
        Participant.objects.create(
            schedule=built.schedule,
            code=f"P-{i:03}",
            audience="service_user",
            user_group=built.user_group,
            session=built.session,
            consent_given_on=date(2026, 11, 2),
            consent_method=Participant.ConsentMethod.WRITTEN,
        )
    return built


def in_welsh(client, built):
    client.force_login(built.evaluator)
    client.cookies["django_language"] = "cy"
    return client


def in_english(client, built):
    client.force_login(built.evaluator)
    return client


def text_of(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def source_url(built, name: str) -> str:
    return f"{built.url(name)}?source={the_source(built).pk}"


def code_paragraph(source, coder, theme, index: int) -> None:
    start = paragraphs(source.text)[index][0]
    coding.code_passage(source, coder=coder, themes=[theme], start=start, end=start + 5)


def both_coded(built) -> Theme:
    """Two coders coded the transcript to "Home", disagreeing on a paragraph; both are done."""
    home = codebook.add_theme(built.schedule, name="Home")
    source = the_source(built)
    other = second_coder(built)
    code_paragraph(source, built.evaluator, home, 1)
    code_paragraph(source, built.evaluator, home, 2)
    code_paragraph(source, other, home, 1)
    for coder in (built.evaluator, other):
        coding.mark_done(source, coder=coder)
    return home


# --- notes and transcripts ---------------------------------------------------------------------


def test_the_sources_list_in_welsh(client, built):
    add_source(
        built.schedule,
        session=built.session,
        audience="carer",
        kind="notes",
        text="Carer: the respite is too short.",
        actor=built.evaluator,
    )
    text = text_of(in_welsh(client, built).get(built.url("sources")))
    assert '<h1 class="govuk-heading-l">Nodiadau a thrawsgrifiadau</h1>' in text
    assert "Gwaith dilynol Baseline 2026" in text
    assert "2 ffynhonnell, 1 yn aros i’r masgio gael ei gadarnhau." in text
    assert "Trawsgrifiad 1" in text and "Nodiadau 2" in text
    assert "Defnyddwyr gwasanaeth" in text and "Gofalwyr" in text
    assert "Wedi’i gadarnhau" in text and "I’w adolygu" in text
    assert "Ychwanegu atebion testun rhydd newydd" in text
    for english in ("Notes and transcripts", "Who took part", "To review", "Transcript 1"):
        assert english not in text


def test_the_sources_list_stays_in_english_without_the_choice(client, built):
    text = text_of(in_english(client, built).get(built.url("sources")))
    assert '<h1 class="govuk-heading-l">Notes and transcripts</h1>' in text
    assert "1 source." in text and "Transcript 1" in text and "Confirmed" in text
    assert "Nodiadau" not in text and "ffynhonnell" not in text


def test_a_refused_upload_says_why_in_welsh(client, built):
    pdf = SimpleUploadedFile("notes.txt", b"%PDF-1.7 not text", content_type="text/plain")
    response = in_welsh(client, built).post(
        built.url("add_source"),
        {
            "session": built.session.pk,
            "kind": "notes",
            "audience": "service_user",
            "upload": pdf,
        },
    )
    text = text_of(response)
    assert "<title>Gwall: Ychwanegu nodiadau neu drawsgrifiad – Baseline 2026" in text
    assert "PDF yw’r ffeil, nid testun plaen" in text
    assert "Neu uwchlwythwch ffeil (.txt, .docx neu .odt)" in text
    assert "Ai trawsgrifiad neu nodiadau ydyw?" in text
    assert "The file is a PDF" not in text and "Who took part?" not in text


def test_a_refused_upload_says_why_in_english_without_the_choice(client, built):
    pdf = SimpleUploadedFile("notes.txt", b"%PDF-1.7 not text", content_type="text/plain")
    response = in_english(client, built).post(
        built.url("add_source"),
        {"session": built.session.pk, "kind": "notes", "audience": "service_user", "upload": pdf},
    )
    text = text_of(response)
    assert "<title>Error: Add notes or a transcript – Baseline 2026" in text
    assert "The file is a PDF, not plain text" in text


def test_the_masking_review_and_its_confirmation_in_welsh(client, built):
    source = add_source(
        built.schedule,
        session=built.session,
        audience="service_user",
        kind="notes",
        text="Member: Sam rang me on 07700 900123.",
        actor=built.evaluator,
    )
    client = in_welsh(client, built)
    text = text_of(client.get(f"{built.url('source')}?source={source.pk}"))
    assert "Adolygu’r masgio" in text and "Rhifau ffôn" in text and "Masgio rhagor o eiriau" in text
    response = client.post(built.url("confirm_source"), {"source": source.pk}, follow=True)
    text = text_of(response)
    assert "Mae’r masgio wedi’i gadarnhau: gellir codio’r ffynhonnell nawr." in text
    assert "The masking is confirmed" not in text


# --- codebook and coding -----------------------------------------------------------------------


def test_the_codebook_in_welsh(client, built):
    text = text_of(in_welsh(client, built).get(built.url("codebook")))
    assert '<h1 class="govuk-heading-l">Llyfr codau</h1>' in text
    assert "Ychwanegu’r 1 canlyniad a ddewiswyd fel thema" in text
    assert "Ffynonellau i’w codio" in text and "Codio trawsgrifiad 1" in text
    assert "Heb ddechrau" in text and "Lawrlwytho’r llyfr codau (.qdc)" in text
    for english in ("Sources to code", "Add a theme", "Not started", "Qualitative software"):
        assert english not in text


def test_the_codebook_stays_in_english_without_the_choice(client, built):
    text = text_of(in_english(client, built).get(built.url("codebook")))
    assert "Add the 1 chosen outcome as themes" in text
    assert "Sources to code" in text and "Code transcript 1" in text and "Not started" in text


def test_the_coding_page_in_welsh(client, built):
    codebook.add_theme(built.schedule, name="Home")
    text = text_of(in_welsh(client, built).get(source_url(built, "code_source")))
    assert '<h1 class="govuk-heading-l">Codio trawsgrifiad 1</h1>' in text
    assert "Rydych chi’n codio’n ddall" in text
    assert "Codio fesul paragraff" in text and "Paragraff 1" in text
    # the words the page's script shows come from the page, in its language
    assert 'data-nothing-selected="Dim wedi’i ddewis eto."' in text
    assert 'data-selected="Wedi’i ddewis: “%s”"' in text
    assert "Nodi bod fy nghodio o’r ffynhonnell hon wedi’i orffen" in text
    for english in ("Code by paragraph", "Your codings", "Nothing selected yet."):
        assert english not in text


def test_coding_a_paragraph_says_so_in_welsh(client, built):
    home = codebook.add_theme(built.schedule, name="Home")
    response = in_welsh(client, built).post(
        source_url(built, "code_source"),
        {"source": the_source(built).pk, "p1": [str(home.pk)]},
        follow=True,
    )
    text = text_of(response)
    assert "1 codiad wedi’i ychwanegu, 0 wedi’u tynnu." in text


def test_a_refused_codebook_file_says_why_in_welsh(client, built):
    broken = SimpleUploadedFile("codes.qdc", b"<CodeBook", content_type="application/xml")
    response = in_welsh(client, built).post(built.url("import_codebook"), {"codebook": broken})
    text = text_of(response)
    assert "nid yw’n XML wedi’i ffurfio’n dda" in text
    assert "not well-formed XML" not in text


def test_every_refusal_of_the_codebook_reader_has_welsh(client, built):
    """The reader (pure, no Django) refuses in English; each refusal reaches the page in Welsh,
    the names it quotes from the file kept."""
    same_guid = (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        b'<Code guid="A1" name="Home" isCodable="true"/><Code guid="A1" name="Money"/>'
        b"</Codes></CodeBook>"
    )
    no_codes = b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'
    other_root = b'<Project xmlns="urn:QDA-XML:project:1.0"/>'
    client = in_welsh(client, built)
    for data, welsh in (
        (same_guid, "Mae gan ddau god yn y llyfr codau yr un GUID (A1)."),
        (no_codes, "Nid oes gan y llyfr codau unrhyw godau."),
        (other_root, "nid CodeBook yn y gofod enwau urn:QDA-XML:codebook:1.0 yw ei gwraidd"),
    ):
        upload = SimpleUploadedFile("codes.qdc", data, content_type="application/xml")
        text = text_of(client.post(built.url("import_codebook"), {"codebook": upload}))
        assert welsh in text


def test_the_theme_page_in_welsh(client, built):
    home = codebook.add_theme(built.schedule, name="Home")
    text = text_of(in_welsh(client, built).get(f"{built.url('theme')}?theme={home.pk}"))
    assert "Thema Home" in text and "Ei chynnig fel canlyniad newydd" in text
    assert "Cadw’r thema" in text and "Cyfuno Home â thema arall" in text


# --- agreement and analysis --------------------------------------------------------------------


def test_the_agreement_page_in_welsh(client, built):
    both_coded(built)
    text = text_of(in_welsh(client, built).get(built.url("agreement")))
    assert '<h1 class="govuk-heading-l">Cytundeb rhwng codwyr</h1>' in text
    assert "Cytundeb fesul thema" in text and "Kappa Cohen" in text
    assert "Paragraffau i’w trafod" in text
    assert "Home: 1 paragraff" in text
    assert "wedi’i godio gan" in text and "yn unig" in text
    for english in ("Agreement per theme", "Paragraphs to discuss", "coded only by"):
        assert english not in text


def test_the_agreement_page_stays_in_english_without_the_choice(client, built):
    both_coded(built)
    text = text_of(in_english(client, built).get(built.url("agreement")))
    assert "Agreement per theme" in text and "Home: 1 paragraph" in text


def three_staff_answers_about(built, theme: Theme) -> None:
    """Three staff members' free-text answers, confirmed and coded to `theme`: three people."""
    org = OrganisationFactory(partnership=built.partnership, name="Riverside Trust")
    group = StaffGroupFactory(partnership=built.partnership, name="Nurses")
    for text in ("Home visits help.", "People stay home longer.", "Home is where they want to be."):
        source = QualitativeSource.objects.create(
            schedule=built.schedule,
            kind="answer",
            audience="staff",
            organisation=org,
            staff_group=group,
            text=text,
            masking="confirmed",
        )
        Coding.objects.create(
            source=source, theme=theme, coder=built.evaluator, start=0, end=len(text)
        )


def test_the_themes_page_in_welsh(client, built):
    three_staff_answers_about(built, both_coded(built))
    text = text_of(in_welsh(client, built).get(built.url("themes")))
    assert '<h1 class="govuk-heading-l">Themâu</h1>' in text
    assert "o 4 ffynhonnell" in text
    assert "Pawb" in text and "Staff: pawb" in text and "Defnyddwyr gwasanaeth: pawb" in text
    assert "Holiadur staff: pawb" in text
    assert "4 o bobl" in text and "Staff, holiadur staff" in text
    assert "Gellir ei dyfynnu" in text and ">Ie<" in text
    for english in ("Can be quoted", "Service users: all", "People (and sources)", "4 people"):
        assert english not in text


def test_the_themes_page_stays_in_english_without_the_choice(client, built):
    three_staff_answers_about(built, both_coded(built))
    text = text_of(in_english(client, built).get(built.url("themes")))
    assert "Can be quoted" in text and "Service users: all" in text and "Staff: all" in text
    assert "4 people" in text and "Staff, staff questionnaire" in text and "from 4 sources" in text


def test_the_framework_matrix_in_welsh(client, built):
    both_coded(built)
    text = text_of(in_welsh(client, built).get(built.url("framework")))
    assert '<h1 class="govuk-heading-l">Matrics fframwaith</h1>' in text
    assert "Person neu ffynhonnell" in text
    assert "Trawsgrifiad 1 (" in text  # the row of the transcript, by kind, number and method
    assert "Passages coded to each theme" not in text


def test_the_framework_matrix_file_in_welsh(client, built):
    both_coded(built)
    response = in_welsh(client, built).get(built.url("framework_csv"))
    assert response.status_code == 200
    header = response.content.decode().splitlines()[0]
    assert header.startswith("Person neu ffynhonnell,Pwy,")
    del client.cookies["django_language"]
    english = client.get(built.url("framework_csv")).content.decode()
    assert english.splitlines()[0].startswith("Person or source,Who,")


def test_the_qualitative_software_project_stays_in_english(client, built):
    """The REFI-QDA project is read by other software and teams: its own words stay English."""
    import io
    import zipfile

    response = in_welsh(client, built).get(built.url("download_qdpx"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as package:
        project = package.read("project.qde").decode()
    assert 'name="Transcript 1"' in project and "Service users" in project
    assert "Trawsgrifiad" not in project and "Defnyddwyr gwasanaeth" not in project
