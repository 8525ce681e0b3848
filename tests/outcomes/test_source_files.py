"""Uploading a session's notes or transcript as a Word (.docx) or OpenDocument (.odt) file, or
plain text (issue 16, item 1): the text is read on upload (paragraphs apart, tables' cells in,
headers and footers out) and masked as typed text is; a file that is not what it says, damaged,
password-protected, empty or too large is refused with a message on the file field."""

import io
import re
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes.models import QualitativeSource
from outcomes.services.source_files import OLE_MAGIC, FileError, read_file
from poet.models import AuditEvent, Role, Wave
from surveys.models import Invitation
from tests.factories import OrganisationFactory, StaffGroupFactory, member
from tests.outcomes.documents import open_document, repacked, word_document
from tests.outcomes.test_participants_support import build_follow_up, consented
from tests.outcomes.test_sources import add, signed_in

pytestmark = pytest.mark.django_db

BUILDERS = {".docx": word_document, ".odt": open_document}

SAID = [
    "Focus group, Riverside, 3 November",
    "Sam: What has changed for you since the reablement team came?",
    "P-001: Priya Okafor rang me every week (07700 900123). I can stay at home now.",
]
TABLE = [["Speaker", "What they said"], ["Carer", "The night visits made the difference."]]


@pytest.fixture
def follow_up():
    """A follow-up with a participant (P-001) and a member of staff, Priya Okafor."""
    built = build_follow_up()
    consented(built)
    p = built.partnership
    Invitation.objects.create(
        wave=built.wave,
        organisation=OrganisationFactory(partnership=p),
        staff_group=StaffGroupFactory(partnership=p),
        email="priya.okafor@nhs.net",
    )
    return built


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def posted(client, follow_up, name: str, data: bytes):
    return add(signed_in(client, follow_up), follow_up, text="", upload=upload(name, data))


def field_error(response) -> str:
    """The GOV.UK error message shown on the file field ("" when none)."""
    html = response.content.decode()
    found = re.search(r'id="id_upload_1_error"[^>]*>.*?Error:</span>(.*?)</span>', html, re.S)
    return unescape(found.group(1)).strip() if found else ""


@pytest.mark.parametrize("extension", [".docx", ".odt"])
def test_a_document_is_read_in_paragraphs_with_its_tables_and_masked(
    client,
    follow_up,
    extension,
    tmp_path,
    settings,
):
    settings.MEDIA_ROOT = str(tmp_path)
    data = BUILDERS[extension](
        SAID[:2], table=TABLE, after=SAID[2:], header="Priya Okafor – draft", footer="Page 1"
    )
    response = posted(client, follow_up, f"Priya Okafor focus group{extension}", data)
    assert "Review the masking" in unescape(response.content.decode())
    source = QualitativeSource.objects.get()
    assert source.text == (
        "Focus group, Riverside, 3 November\n\n"
        "[name]: What has changed for you since the reablement team came?\n\n"
        "Speaker | What they said\n\n"
        "Carer | The night visits made the difference.\n\n"
        "[name]: [name] rang me every week ([phone]). I can stay at home now."
    )
    assert "draft" not in source.text and "Page 1" not in source.text  # header and footer
    assert source.masked_counts["phone"] == 1
    assert "Okafor" not in repr(QualitativeSource.objects.values().get())
    assert list(tmp_path.iterdir()) == [], "the file is kept though the partnership did not ask"


def test_a_document_named_txt_is_read_by_its_content(client, follow_up):
    posted(client, follow_up, "notes.txt", word_document(["Sam asked about the visits."]))
    assert QualitativeSource.objects.get().text == "[name] asked about the visits."


def test_empty_paragraphs_and_line_breaks_in_a_word_document(follow_up):
    import docx

    document = docx.Document()
    document.add_paragraph("")
    paragraph = document.add_paragraph("First line")
    paragraph.add_run().add_break()
    paragraph.add_run("second line")
    document.add_paragraph("   ")
    document.add_paragraph("Next")
    output = io.BytesIO()
    document.save(output)
    assert read_file("t.docx", output.getvalue()).text == "First line\nsecond line\n\nNext"


def _encrypted_odt() -> bytes:
    data = open_document(["Secret"])
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        manifest = package.read("META-INF/manifest.xml").decode()
    manifest = manifest.replace(
        'manifest:full-path="content.xml"',
        'manifest:full-path="content.xml"><manifest:encryption-data '
        'manifest:checksum-type="SHA1" manifest:checksum="x"/></manifest:file-entry'
        '><manifest:file-entry manifest:media-type="text/xml" manifest:full-path="x.xml"',
    )
    return repacked(data, META_INF__manifest_xml=manifest.encode())


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _spreadsheet_renamed() -> bytes:
    """An Office Open XML package whose main part is a spreadsheet's, named .docx."""
    data = word_document(["Cells"])
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        types = package.read("[Content_Types].xml").replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        )
    return repacked(data, **{"[Content_Types]_xml": types})


# Password-protected Word files are OLE compound files holding an "EncryptionInfo" stream (what
# Word writes; MS-OFFCRYPTO): built here from those two marks, as no encrypting library is
# installed. Old Word (.doc) files are OLE files without it.
ENCRYPTED_DOCX = OLE_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64
OLD_DOC = OLE_MAGIC + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 64


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "transcript.docx",
            b"Plain words, renamed",
            "not a Word document (.docx), though its name",
        ),
        ("transcript.odt", b"%PDF-1.7 renamed", "not an OpenDocument text (.odt), though its name"),
        ("transcript.docx", _truncated(word_document(SAID)), "damaged and cannot be read"),
        ("transcript.odt", _truncated(open_document(SAID)), "damaged and cannot be read"),
        ("transcript.docx", b"PK\x03\x04 not a zip", "damaged and cannot be read"),
        (
            "transcript.docx",
            repacked(word_document(SAID), word__document_xml=b"<w:document"),
            "damaged and cannot be read",
        ),
        ("transcript.docx", _spreadsheet_renamed(), "not a Word document that can be read"),
        ("transcript.docx", ENCRYPTED_DOCX, "protected by a password"),
        ("transcript.odt", _encrypted_odt(), "protected by a password"),
        ("transcript.docx", OLD_DOC, "old Word document (.doc)"),
        ("transcript.docx", word_document([]), "The file has no text in it."),
        ("transcript.odt", open_document(["", "  "]), "The file has no text in it."),
        ("transcript.docx", word_document(["x"], header="Header only", footer="f")[:0], "empty"),
        (
            "transcript.odt",
            repacked(
                open_document(SAID), mimetype=b"application/vnd.oasis.opendocument.spreadsheet"
            ),
            "not a text document",
        ),
        ("transcript.pdf", b"%PDF-1.7", "must be a plain text file (.txt), a Word document"),
        ("transcript.txt", b"%PDF-1.7", "The file is a PDF"),
        ("transcript.txt", b"\x00\x01binary", "not plain text"),
        ("transcript.txt", b"a" * (2 * 1024 * 1024 + 1), "smaller than 2 MB"),
        ("transcript.docx", b"PK\x03\x04" + b"a" * (10 * 1024 * 1024), "smaller than 10 MB"),
    ],
    ids=[
        "renamed-text-as-docx",
        "renamed-pdf-as-odt",
        "truncated-docx",
        "truncated-odt",
        "corrupt-zip",
        "broken-xml",
        "xlsx-as-docx",
        "password-docx",
        "password-odt",
        "old-doc",
        "empty-docx",
        "empty-odt",
        "zero-bytes",
        "spreadsheet-odf",
        "pdf-extension",
        "pdf-as-txt",
        "binary-txt",
        "large-txt",
        "large-docx",
    ],
)
def test_files_that_cannot_be_read_are_refused_on_the_file_field(
    client,
    follow_up,
    name,
    data,
    message,
):
    response = posted(client, follow_up, name, data)
    assert response.status_code == 200
    assert message in field_error(response)
    assert "There is a problem" in unescape(response.content.decode())
    assert not QualitativeSource.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", b"\x00" * (101 * 1024 * 1024))
    with pytest.raises(FileError, match="too large to read"):
        read_file("bomb.docx", output.getvalue())


# --- keeping the original file: only if the partnership says so ---------------------------------


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def kept_files(media) -> list:
    return sorted(p for p in media.rglob("*") if p.is_file())


def keeping(follow_up):
    from poet.services import set_keep_source_files

    admin = member(follow_up.partnership, Role.ADMINISTRATOR)
    set_keep_source_files(follow_up.partnership, True, reason="Checked in the DPIA", actor=admin)


DOCUMENT = word_document(SAID)


def test_the_settings_page_keeps_original_files_only_when_an_administrator_says_so_audited(
    client, follow_up
):
    p = follow_up.partnership
    assert p.keep_source_files is False
    client.force_login(member(p, Role.ADMINISTRATOR))
    settings_url = reverse("partnership_settings", kwargs={"partnership": p.slug})
    page = unescape(client.get(settings_url).content.decode())
    assert "Original files of notes and transcripts" in page
    assert "Now: only the masked text is kept" in page
    action = reverse("partnership_source_files", kwargs={"partnership": p.slug})

    refused = client.post(action, {"files-keep": "yes", "files-reason": ""})
    text = unescape(refused.content.decode())
    assert "There is a problem" in text and "Say why the original files are" in text
    p.refresh_from_db()
    assert p.keep_source_files is False

    done = client.post(action, {"files-keep": "yes", "files-reason": "DPIA agreed"}, follow=True)
    assert "are now kept as files too" in unescape(done.content.decode())
    p.refresh_from_db()
    assert p.keep_source_files is True
    event = AuditEvent.objects.get(action="partnership.source_files_changed")
    assert event.reason == "DPIA agreed" and event.detail == {"old": False, "new": True}
    page = unescape(client.get(settings_url).content.decode())
    assert "original files of notes and transcripts kept" in page  # the history of changes


def test_other_roles_may_not_change_whether_files_are_kept(client, follow_up):
    p = follow_up.partnership
    action = reverse("partnership_source_files", kwargs={"partnership": p.slug})
    for role in (Role.EVALUATOR, Role.MANAGER):
        client.force_login(member(p, role))
        response = client.post(action, {"files-keep": "yes", "files-reason": "why not"})
        assert response.status_code == 403
    p.refresh_from_db()
    assert p.keep_source_files is False


def test_a_kept_file_is_stored_privately_under_a_random_name_and_downloaded_audited(
    client, follow_up, media
):
    keeping(follow_up)
    response = posted(client, follow_up, "Priya Okafor interview.docx", DOCUMENT)
    page = unescape(response.content.decode())
    assert "Original file" in page and "Download the original file" in page
    (stored,) = kept_files(media)
    assert stored.read_bytes() == DOCUMENT
    assert (
        stored.suffix == ".docx" and "Okafor" not in str(stored) and "interview" not in str(stored)
    )
    source = QualitativeSource.objects.get()
    assert "Okafor" not in source.text
    added = AuditEvent.objects.get(action="source.added")
    assert added.detail["original_kept"] is True

    download = client.get(follow_up.url("source_original") + f"?source={source.pk}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == DOCUMENT
    assert download["Content-Disposition"] == (
        f'attachment; filename="original-of-source-{source.pk}.docx"'
    )
    assert "no-store" in download["Cache-Control"]
    event = AuditEvent.objects.get(action="source.original_downloaded")
    assert event.actor == follow_up.evaluator and event.target == f"source {source.pk}"
    # never served by a public URL
    relative = stored.relative_to(media).as_posix()
    for public in (f"/media/{relative}", f"/{relative}", f"/static/{relative}"):
        assert client.get(public).status_code == 404


def test_managers_may_not_download_a_kept_file(client, follow_up, media):
    keeping(follow_up)
    posted(client, follow_up, "t.odt", open_document(SAID))
    source = QualitativeSource.objects.get()
    client.force_login(member(follow_up.partnership, Role.MANAGER))
    response = client.get(follow_up.url("source_original") + f"?source={source.pk}")
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="source.original_downloaded").exists()


def test_typed_text_keeps_no_file_and_the_download_says_so(client, follow_up, media):
    keeping(follow_up)
    response = add(signed_in(client, follow_up), follow_up, text="Sam: hello", follow=True)
    assert "Download the original file" not in unescape(response.content.decode())
    source = QualitativeSource.objects.get()
    assert not source.original_file and kept_files(media) == []
    back = client.get(follow_up.url("source_original") + f"?source={source.pk}", follow=True)
    assert "No original file is kept for this source" in unescape(back.content.decode())


def test_a_refused_upload_keeps_no_file(client, follow_up, media):
    keeping(follow_up)
    posted(client, follow_up, "t.docx", word_document([]))
    assert kept_files(media) == [] and not QualitativeSource.objects.exists()


def test_an_evaluator_can_delete_a_kept_file_now_audited(
    client, follow_up, media, django_capture_on_commit_callbacks
):
    keeping(follow_up)
    posted(client, follow_up, "t.docx", DOCUMENT)
    source = QualitativeSource.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            follow_up.url("delete_source_original"), {"source": source.pk}, follow=True
        )
    assert "The original file is deleted" in unescape(response.content.decode())
    assert kept_files(media) == []
    source.refresh_from_db()
    assert not source.original_file and source.text  # the masked text stays
    assert AuditEvent.objects.filter(action="source.original_deleted").count() == 1


def test_kept_files_are_deleted_with_the_waves_personal_data(
    client, follow_up, media, django_capture_on_commit_callbacks
):
    """The wave's retention: deleting a closed wave's personal data (its staff e-mail
    addresses) deletes the kept original files too; the masked text stays."""
    keeping(follow_up)
    posted(client, follow_up, "a.docx", DOCUMENT)
    posted(client, follow_up, "b.odt", open_document(SAID))
    add(client, follow_up, text="Typed notes")
    assert len(kept_files(media)) == 2
    Wave.objects.filter(pk=follow_up.wave.pk).update(status=Wave.Status.CLOSED)
    purge = reverse(
        "surveys:invitations_purge",
        kwargs={"partnership": follow_up.partnership.slug, "wave": follow_up.wave.slug},
    )
    assert "original files of the follow-up" in unescape(client.get(purge).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(purge)
    assert kept_files(media) == []
    assert QualitativeSource.objects.count() == 3
    assert not QualitativeSource.objects.exclude(original_file="").exists()
    event = AuditEvent.objects.get(action="source.originals_deleted")
    assert event.detail["deleted"] == 2
    client.force_login(member(follow_up.partnership, Role.ADMINISTRATOR))
    audit = unescape(client.get(f"/p/{follow_up.partnership.slug}/audit/").content.decode())
    assert "Original files of notes and transcripts deleted with the wave's personal data" in audit
    assert "2 files" in audit


def test_purging_an_open_wave_deletes_no_file(client, follow_up, media):
    keeping(follow_up)
    posted(client, follow_up, "a.docx", DOCUMENT)
    purge = reverse(
        "surveys:invitations_purge",
        kwargs={"partnership": follow_up.partnership.slug, "wave": follow_up.wave.slug},
    )
    client.post(purge)
    assert len(kept_files(media)) == 1


def test_a_deleted_source_takes_its_kept_file_with_it(
    client, follow_up, media, django_capture_on_commit_callbacks
):
    keeping(follow_up)
    posted(client, follow_up, "a.docx", DOCUMENT)
    with django_capture_on_commit_callbacks(execute=True):
        follow_up.schedule.delete()
    assert kept_files(media) == []
