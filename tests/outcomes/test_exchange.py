"""Exchange with qualitative software, wired (issue 16, items 7 and 8): the codebook page's
REFI-QDA project (.qdpx) and codebook (.qdc) downloads, the command `export_qdpx` writing the
same bytes, the .qdc import page with its report and errors; the files validate against the
REFI-QDA schemas, hold the wave's codings and memos, and no name, code or e-mail address from
the staff list, the members, the facilitators or the participant register."""

import io
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree

from outcomes.exchange.refi_qda import CODEBOOK_NS, PROJECT_NS, read_codebook
from outcomes.models import FollowUpSchedule, OutcomeProposal, QualitativeSource, Theme
from outcomes.selectors.exchange import wave_project
from outcomes.services import codebook, coding
from outcomes.services.sources import add_source, confirm_masking
from poet.models import AuditEvent, Role
from surveys.models import Invitation
from tests.factories import OrganisationFactory, StaffGroupFactory, WaveFactory, member
from tests.outcomes.coding_support import build_coded_follow_up, second_coder
from tests.outcomes.test_participants_support import consented
from tests.outcomes.test_refi_qda import CODEBOOK_XSD, PROJECT_XSD, unpacked

pytestmark = pytest.mark.django_db

# Every identifier below is in the original text; masking must have replaced each of them.
ORIGINAL = (
    "Sam: Thank you for coming. P-017, how are things?\n"
    "P-017: Since Priya Okafor visited (07700 900123, priya.okafor@nhs.net) I can stay at home "
    "in LS6 2QH. Eve Evaluator rang me too.\n"
    "\n"
    "P-017: The night visits made the difference, nobody asked me before."
)
IDENTIFIERS = (
    "Sam",  # the session's facilitator
    "Priya",
    "Okafor",  # from the staff list's address
    "nhs.net",
    "07700",
    "LS6",
    "P-017",  # the participant register's code
    "Eve",
    "Evaluator",  # a member of the partnership (the evaluator who codes)
    "Ola",
    "Second",  # the second coder
    "@",
)


@pytest.fixture
def built():
    built = build_coded_follow_up()
    p = built.partnership
    type(built.evaluator).objects.filter(pk=built.evaluator.pk).update(
        first_name="Eve", last_name="Evaluator"
    )
    built.evaluator.refresh_from_db()
    consented(built, code="P-017")
    Invitation.objects.create(
        wave=built.wave,
        organisation=OrganisationFactory(partnership=p),
        staff_group=StaffGroupFactory(partnership=p),
        email="priya.okafor@nhs.net",
    )
    source = add_source(
        built.schedule,
        session=built.session,
        audience="service_user",
        kind="transcript",
        text=ORIGINAL,
        actor=built.evaluator,
    )
    confirm_masking(source, actor=built.evaluator)
    add_source(  # never confirmed: not exported
        built.schedule,
        session=built.session,
        audience="carer",
        kind="notes",
        text="Unconfirmed words about respite.",
        actor=built.evaluator,
    )
    codebook.seed_codebook(built.schedule, actor=built.evaluator)
    home = Theme.objects.get(schedule=built.schedule, outcome__code="O-HOME")
    night = codebook.add_theme(
        built.schedule, name="Night visits", description="Visits at night", parent=home
    )
    asked = codebook.add_theme(built.schedule, name="Being asked", description="Asked first")
    codebook.propose_as_outcome(asked)
    codebook.change_theme(
        asked,
        name="Being asked",
        description="Asked first",
        memo="Priya Okafor said so too.",  # typed by an evaluator: masked on the way out
        parent=None,
    )
    text = source.text
    start = text.index("The night visits")
    end = start + len("The night visits made the difference")
    coding.code_passage(
        source, coder=built.evaluator, themes=[night], start=start, end=end, memo="Ask Sam more."
    )
    other = second_coder(built)
    coding.code_passage(source, coder=other, themes=[night, asked], start=start, end=end)
    built.source = source
    built.other = other
    return built


def as_evaluator(client, built):
    client.force_login(built.evaluator)
    return client


def text_of(response) -> str:
    return unescape(response.content.decode())


def qdpx_of(client, built) -> bytes:
    response = as_evaluator(client, built).get(built.url("download_qdpx"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert ".qdpx" in response["Content-Disposition"]
    return response.content


# --- the project (.qdpx) -----------------------------------------------------------------------


def test_the_codebook_page_offers_the_downloads_and_the_import(client, built):
    text = text_of(as_evaluator(client, built).get(built.url("codebook")))
    assert "Download project for NVivo, MAXQDA, ATLAS.ti, QualCoder (.qdpx)" in text
    assert "Download codebook (.qdc)" in text
    assert "Import a codebook (.qdc)" in text


def test_the_downloaded_project_validates_and_holds_the_waves_codings_and_memos(client, built):
    files = unpacked(qdpx_of(client, built))
    PROJECT_XSD.validate(io.BytesIO(files["project.qde"]))
    root = etree.fromstring(files["project.qde"])
    ns = {"q": PROJECT_NS}
    sources = root.findall("q:Sources/q:TextSource", ns)
    assert len(sources) == 2  # the two confirmed sources, not the unconfirmed one
    assert [s.get("name") for s in sources] == ["Transcript 1", "Transcript 2"]
    users = [u.get("name") for u in root.findall("q:Users/q:User", ns)]
    assert users == ["Coder 1", "Coder 2"]
    codings = root.findall(".//q:PlainTextSelection/q:Coding", ns)
    assert len(codings) == 3  # the evaluator's one, the second coder's two
    codes = {c.get("name") for c in root.iter(f"{{{PROJECT_NS}}}Code")}
    assert {"O-HOME", "Night visits", "Being asked"} <= codes
    home = root.find(".//q:Code[@name='O-HOME']", ns)
    assert home.find("q:Code", ns).get("name") == "Night visits"  # the sub-theme, nested
    proposed = root.find("q:Sets/q:Set", ns)
    assert len(proposed.findall("q:MemberCode", ns)) == 1
    notes = [
        n.findtext("q:PlainTextContent", namespaces=ns) for n in root.iter(f"{{{PROJECT_NS}}}Note")
    ]
    assert sorted(notes) == ["Ask [name] more.", "[name] said so too."]
    everything = b"".join(files.values()).decode("utf-8")
    assert "Unconfirmed words" not in everything
    assert "The night visits made the difference" in everything


def test_no_name_code_or_email_is_anywhere_in_the_project(client, built):
    data = qdpx_of(client, built)
    everything = b"".join(unpacked(data).values()).decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        everything += " ".join(package.namelist())
    for identifier in IDENTIFIERS:
        assert identifier not in everything, identifier
    assert "[name]" in everything and "[email]" in everything


def test_the_download_is_audited_without_contents(client, built):
    qdpx_of(client, built)
    event = AuditEvent.objects.filter(action="codebook.project_exported").get()
    assert event.actor == built.evaluator
    detail = str(event.__dict__)
    assert "night visits" not in detail.lower() and "Being asked" not in detail


def test_the_project_is_read_in_a_few_queries_whatever_the_size(built):
    with CaptureQueriesContext(connection) as few:
        wave_project(built.schedule)
    for n in range(5):
        source = add_source(
            built.schedule,
            session=built.session,
            audience="carer",
            kind="notes",
            text=f"More words {n}.",
            actor=built.evaluator,
        )
        confirm_masking(source, actor=built.evaluator)
        theme = codebook.add_theme(built.schedule, name=f"Extra {n}")
        coding.code_passage(source, coder=built.other, themes=[theme], start=0, end=4, memo="m")
    with CaptureQueriesContext(connection) as more:
        wave_project(built.schedule)
    assert len(more) == len(few)


def test_the_command_writes_the_same_bytes_as_the_page(client, built, tmp_path):
    output = tmp_path / "wave.qdpx"
    call_command("export_qdpx", built.partnership.slug, built.wave.slug, "--output", str(output))
    assert output.read_bytes() == qdpx_of(client, built)
    PROJECT_XSD.validate(io.BytesIO(unpacked(output.read_bytes())["project.qde"]))


def test_the_command_refuses_an_unknown_partnership_or_wave(built, tmp_path):
    output = tmp_path / "x.qdpx"
    with pytest.raises(CommandError, match='No wave "nope" in a partnership'):
        call_command("export_qdpx", built.partnership.slug, "nope", "--output", str(output))
    with pytest.raises(CommandError, match='in a partnership "nobody"'):
        call_command("export_qdpx", "nobody", built.wave.slug, "--output", str(output))
    bare = WaveFactory(partnership=built.partnership, name="No follow-up")
    with pytest.raises(CommandError, match="has no follow-up yet"):
        call_command("export_qdpx", built.partnership.slug, bare.slug, "--output", str(output))
    assert not output.exists()


# --- the codebook (.qdc) -----------------------------------------------------------------------


def qdc_of(client, built) -> bytes:
    response = as_evaluator(client, built).get(built.url("download_qdc"))
    assert response.status_code == 200 and ".qdc" in response["Content-Disposition"]
    return response.content


def tree(schedule) -> set[tuple]:
    return {
        (t.name, t.description, t.parent.name if t.parent else None, t.proposal_id is not None)
        for t in Theme.objects.filter(schedule=schedule).select_related("parent")
    }


def other_follow_up(built):
    wave = WaveFactory(partnership=built.partnership, name="Follow-up 2027")
    schedule = FollowUpSchedule.objects.create(wave=wave, methods=["interview"])
    return wave, schedule


def import_url(built, wave) -> str:
    return built.url("import_codebook").replace(f"/{built.wave.slug}/", f"/{wave.slug}/")


def upload(client, url, data: bytes, name="codebook.qdc"):
    return client.post(url, {"codebook": SimpleUploadedFile(name, data)})


def test_the_codebook_round_trips_into_another_wave(client, built):
    data = qdc_of(client, built)
    CODEBOOK_XSD.validate(io.BytesIO(data))
    assert etree.fromstring(data).tag == f"{{{CODEBOOK_NS}}}CodeBook"
    wave, schedule = other_follow_up(built)
    response = upload(client, import_url(built, wave), data)
    text = text_of(response)
    assert "3 themes imported into the codebook." in text
    assert tree(schedule) == {
        (name, description, parent, proposed)
        for name, description, parent, proposed in tree(built.schedule)
    }
    assert OutcomeProposal.objects.filter(wave=wave).count() == 1
    assert AuditEvent.objects.filter(action="codebook.imported").count() == 1


def test_a_theme_already_there_is_reported_and_skipped(client, built):
    data = qdc_of(client, built)
    Theme.objects.filter(schedule=built.schedule, name="Night visits").delete()
    text = text_of(upload(client, built.url("import_codebook"), data))
    assert "1 theme imported into the codebook." in text
    assert "O-HOME › Night visits" in text
    assert "Not imported" in text
    assert "A theme with this name is already in the codebook" in text
    assert (
        Theme.objects.filter(schedule=built.schedule, name="Night visits").get().parent.name
        == "O-HOME"
    )
    again = text_of(upload(client, built.url("import_codebook"), data))
    assert "No theme was imported." in again


@pytest.mark.parametrize(
    ("name", "data", "error"),
    [
        ("codebook.txt", b"<x/>", "must be a REFI-QDA codebook ending in .qdc"),
        ("codebook.qdc", b"not <xml", "it is not well-formed XML"),
        (
            "codebook.qdc",
            b"<CodeBook xmlns='urn:other'><Codes/></CodeBook>",
            "its root is not a CodeBook in the namespace",
        ),
        ("codebook.qdc", b"", "The selected file is empty"),
        (
            "codebook.qdc",
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0">'
            b'<Codes><Code guid="A1B2C3D4-0000-0000-0000-000000000001" name="&b;"/></Codes>'
            b"</CodeBook>",
            "it declares a document type or entities",
        ),
    ],
)
def test_the_import_says_what_is_wrong_with_the_file(client, built, name, data, error):
    before = tree(built.schedule)
    response = upload(as_evaluator(client, built), built.url("import_codebook"), data, name)
    text = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in text and error in text
    assert text.count(error) == 2  # in the summary and by the field
    assert "Error: Import a codebook" in text
    assert tree(built.schedule) == before


def test_the_import_refuses_a_file_too_large(client, built, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = None
    data = b"<CodeBook>" + b" " * (5 * 1024 * 1024) + b"</CodeBook>"
    text = text_of(upload(as_evaluator(client, built), built.url("import_codebook"), data))
    assert "The selected file must be smaller than 5 MB" in text


def test_an_import_asks_for_a_file(client, built):
    text = text_of(as_evaluator(client, built).post(built.url("import_codebook"), {}))
    assert "Select a codebook file (.qdc)" in text


def test_a_deeper_code_is_added_under_its_top_theme(client, built):
    data = (
        b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        b'<Code guid="A1B2C3D4-0000-0000-0000-000000000001" name="Travel">'
        b'<Code guid="A1B2C3D4-0000-0000-0000-000000000002" name="Buses">'
        b'<Code guid="A1B2C3D4-0000-0000-0000-000000000003" name="Night buses"/>'
        b"</Code></Code></Codes></CodeBook>"
    )
    text = text_of(upload(as_evaluator(client, built), built.url("import_codebook"), data))
    assert "3 themes imported" in text and "Travel › Night buses" in text
    night = Theme.objects.get(schedule=built.schedule, name="Night buses")
    assert night.parent.name == "Travel"
    assert read_codebook(data)[0].children[0].children[0].name == "Night buses"


def test_managers_cannot_download_or_import(client, built):
    manager = member(built.partnership, Role.MANAGER)
    client.force_login(manager)
    for name in ("download_qdpx", "download_qdc", "import_codebook"):
        assert client.get(built.url(name)).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="codebook.project").exists()
    assert QualitativeSource.objects.filter(schedule=built.schedule).count() == 3


def test_the_audit_log_names_the_exchange_in_words(client, built):
    from poet.selectors.audit_log import audit_details, audit_kinds

    qdpx_of(client, built)
    named = audit_kinds()
    for action in ("codebook.project_exported", "codebook.codebook_exported", "codebook.imported"):
        assert action in named, action
    event = AuditEvent.objects.get(action="codebook.project_exported")
    assert audit_details(event) == "2 sources, 3 themes, 3 codings, 2 memos"


def test_an_empty_codebook_is_not_downloaded_but_explained(client, built):
    _, schedule = other_follow_up(built)
    url = built.url("download_qdc").replace(f"/{built.wave.slug}/", f"/{schedule.wave.slug}/")
    response = as_evaluator(client, built).get(url, follow=True)
    assert response.redirect_chain[-1][0].endswith("/codebook/")
    assert "The codebook has no themes: add a theme before exporting it." in text_of(response)
    assert not AuditEvent.objects.filter(action="codebook.codebook_exported").exists()


def test_an_outcomes_theme_stands_for_the_same_chosen_outcome_in_the_other_wave(client, built):
    from outcomes.models import ChosenOutcome
    from poet.models import OutcomeStatement

    data = qdc_of(client, built)
    wave, schedule = other_follow_up(built)
    home = OutcomeStatement.objects.get(partnership=built.partnership, code="O-HOME")
    ChosenOutcome.objects.create(schedule=schedule, outcome=home, reason="most_endorsed")
    text = text_of(upload(client, import_url(built, wave), data))
    assert "Standing for this wave's chosen outcomes of the same code: O-HOME." in text
    assert Theme.objects.get(schedule=schedule, name="O-HOME").outcome == home
    assert not Theme.objects.get(schedule=schedule, name="Being asked").outcome
