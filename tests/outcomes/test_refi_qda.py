"""REFI-QDA exchange (issue 16, item 7, the pure part): a wave's sources, codebook, codings and
memos written as a .qdpx project and the codebook as a .qdc, both valid against the REFI-QDA
schemas (tests/outcomes/refi_qda/, see its README), the codebook read back as the same tree,
re-exports identical, and only masked text in the files."""

import io
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from outcomes.exchange.refi_qda import (
    CODEBOOK_NS,
    PROJECT_NS,
    PROPOSED_SET,
    CodebookTheme,
    Coder,
    Coding,
    Memo,
    Project,
    RefiQdaError,
    Source,
    Theme,
    guid,
    read_codebook,
    write_codebook,
    write_project,
)
from poet.analysis.masking import mask

SCHEMAS = Path(__file__).parent / "refi_qda"
PROJECT_XSD = xmlschema.XMLSchema(SCHEMAS / "Project.xsd")
CODEBOOK_XSD = xmlschema.XMLSchema(SCHEMAS / "Codebook.xsd")

ORIGINAL = (
    "Sam: What changed for you?\n"
    "P-001: Since Priya Okafor came (07700 900123, priya.okafor@nhs.net) I can stay at home "
    "in LS6 2QH. The night visits made the difference.\n\n"
    "P-002: Nobody asked me what I wanted — that matters more than anything."
)
MASKED = mask(ORIGINAL, names=("Sam", "Priya", "Okafor"), codes=("P-001", "P-002")).text

THEMES = [
    Theme(1, "O-HOME: Staying at home", "I can stay living in my own home", color="#1D70B8"),
    Theme(2, "Night visits", "Visits at night that keep people safe", parent_id=1),
    Theme(3, "Being asked", "People asked what they want", proposed_as_new_outcome=True),
    Theme(4, "Choice & control <in care>", "", parent_id=3, codable=False),
    Theme(5, "Sub-sub", "Deeper still", parent_id=4),
]
CODERS = [Coder(10, "Evaluator One"), Coder(11, "Second Coder")]


def passage(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def project() -> Project:
    night = passage(MASKED, "The night visits made the difference.")
    asked = passage(MASKED, "Nobody asked me what I wanted")
    sources = [
        Source(
            100, "Source 1 – focus group transcript", "Service users", "Focus group 3 Nov", MASKED
        ),
        Source(101, "Source 2 – notes", "Carers", "Interview 5 Nov", "Short notes: [name] agreed."),
    ]
    codings = [
        Coding(1000, 100, 10, 2, *night),
        Coding(1001, 100, 11, 2, *night),
        Coding(1002, 100, 10, 3, *asked),
        Coding(1003, 101, 11, 1, 0, 11),
    ]
    memos = [
        Memo(5000, "Comes up in every group.", theme_id=3, coder_id=10, title="Recurring"),
        Memo(5001, "Ask about weekends too.", coding_id=1000, coder_id=10),
    ]
    return Project(
        name="Riverside partnership – Baseline 2026",
        coders=CODERS,
        themes=THEMES,
        sources=sources,
        codings=codings,
        memos=memos,
        description="Follow-up with service users and carers",
        created_at=datetime(2026, 11, 30, 9, 0, tzinfo=UTC),
    )


def unpacked(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return {name: package.read(name) for name in package.namelist()}


# --- the schemas themselves ----------------------------------------------------------------------


def test_the_schemas_parse_and_keep_refis_mit_notice():
    for name in ("Project.xsd", "Codebook.xsd"):
        text = (SCHEMAS / name).read_text(encoding="utf-8")
        assert "licensed under the MIT license" in text and "Copyright 2019 REFI" in text
        assert "\u2010" not in text, "a U+2010 hyphen is left from the transcription"
    assert PROJECT_XSD.target_namespace == PROJECT_NS
    assert CODEBOOK_XSD.target_namespace == CODEBOOK_NS


# --- the project (.qdpx) -------------------------------------------------------------------------


def test_the_project_is_a_zip_of_project_qde_and_the_sources_text_and_validates():
    files = unpacked(write_project(project()))
    source_files = sorted(n for n in files if n.startswith("Sources/"))
    assert set(files) == {"project.qde", *source_files} and len(source_files) == 2
    PROJECT_XSD.validate(io.BytesIO(files["project.qde"]))
    root = etree.fromstring(files["project.qde"])
    assert root.tag == f"{{{PROJECT_NS}}}Project"
    ns = {"q": PROJECT_NS}
    sources = root.findall("q:Sources/q:TextSource", ns)
    for source in sources:
        path = source.get("plainTextPath")
        assert path.startswith("internal://") and f"Sources/{path[11:]}" in files
    first = files[f"Sources/{guid('source', 100)}.txt"].decode("utf-8")
    assert first == MASKED


def test_codings_point_at_the_coded_characters_by_each_coder():
    qde = unpacked(write_project(project()))["project.qde"]
    root = etree.fromstring(qde)
    ns = {"q": PROJECT_NS}
    source = root.find(f"q:Sources/q:TextSource[@guid='{guid('source', 100)}']", ns)
    selections = source.findall("q:PlainTextSelection", ns)
    assert len(selections) == 3
    found = {
        (
            MASKED[int(s.get("startPosition")) : int(s.get("endPosition"))],
            s.get("creatingUser"),
            s.find("q:Coding/q:CodeRef", ns).get("targetGUID"),
        )
        for s in selections
    }
    night = "The night visits made the difference."
    assert found == {
        (night, guid("coder", 10), guid("theme", 2)),
        (night, guid("coder", 11), guid("theme", 2)),
        ("Nobody asked me what I wanted", guid("coder", 10), guid("theme", 3)),
    }
    users = {u.get("guid"): u.get("name") for u in root.findall("q:Users/q:User", ns)}
    assert users == {guid("coder", 10): "Evaluator One", guid("coder", 11): "Second Coder"}
    values = {
        v.find("q:VariableRef", ns).get("targetGUID"): v.findtext("q:TextValue", namespaces=ns)
        for v in source.findall("q:VariableValue", ns)
    }
    assert values == {
        guid("variable", "Audience"): "Service users",
        guid("variable", "Session"): "Focus group 3 Nov",
    }


def test_memos_are_notes_referred_to_from_their_theme_and_passage():
    root = etree.fromstring(unpacked(write_project(project()))["project.qde"])
    ns = {"q": PROJECT_NS}
    notes = {n.get("guid"): n for n in root.findall("q:Notes/q:Note", ns)}
    assert notes[guid("memo", 5000)].findtext("q:PlainTextContent", namespaces=ns) == (
        "Comes up in every group."
    )
    theme = root.find(f".//q:Code[@guid='{guid('theme', 3)}']", ns)
    assert theme.find("q:NoteRef", ns).get("targetGUID") == guid("memo", 5000)
    selection = root.find(f".//q:PlainTextSelection[@guid='{guid('selection', 1000)}']", ns)
    assert selection.find("q:NoteRef", ns).get("targetGUID") == guid("memo", 5001)


def test_the_codebook_in_the_project_is_nested_and_marks_proposed_outcomes():
    root = etree.fromstring(unpacked(write_project(project()))["project.qde"])
    ns = {"q": PROJECT_NS}
    top = root.findall("q:CodeBook/q:Codes/q:Code", ns)
    assert [c.get("name") for c in top] == ["O-HOME: Staying at home", "Being asked"]
    assert [c.get("name") for c in top[0].findall("q:Code", ns)] == ["Night visits"]
    deep = root.find(f".//q:Code[@guid='{guid('theme', 5)}']", ns)
    assert deep.getparent().get("guid") == guid("theme", 4)
    assert root.find(f".//q:Code[@guid='{guid('theme', 4)}']", ns).get("isCodable") == "false"
    found = root.find("q:Sets/q:Set", ns)
    assert found.get("name") == PROPOSED_SET
    assert [m.get("targetGUID") for m in found.findall("q:MemberCode", ns)] == [guid("theme", 3)]


def test_re_exports_are_identical_and_guids_stable():
    assert write_project(project()) == write_project(project())
    assert write_codebook(THEMES) == write_codebook(THEMES)
    assert guid("theme", 1) == guid("theme", 1) != guid("theme", 2) != guid("source", 2)


def test_no_original_name_or_identifier_is_anywhere_in_the_project():
    data = write_project(project())
    everything = b"".join(unpacked(data).values()).decode("utf-8")
    for identifier in ("Priya", "Okafor", "Sam", "07700", "nhs.net", "LS6", "P-001", "P-002"):
        assert identifier not in everything, identifier
        assert identifier.encode() not in data
    assert "[name]" in everything and "[phone]" in everything


def test_an_empty_project_validates():
    files = unpacked(write_project(Project(name="Nothing yet")))
    assert set(files) == {"project.qde"}
    PROJECT_XSD.validate(io.BytesIO(files["project.qde"]))


def test_control_characters_become_spaces_so_the_xml_stays_valid():
    source = Source(1, "Source \x0b1", "Carers", "Interview", "Line\x0cbreak and\x00 more")
    data = write_project(Project(name="p", sources=[source]))
    files = unpacked(data)
    PROJECT_XSD.validate(io.BytesIO(files["project.qde"]))
    assert files[f"Sources/{guid('source', 1)}.txt"] == b"Line break and  more"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"codings": [Coding(1, 100, 10, 99, 0, 5)]}, "applies a theme that is not exported"),
        ({"codings": [Coding(1, 999, 10, 1, 0, 5)]}, "of a source that is not exported"),
        ({"codings": [Coding(1, 100, 99, 1, 0, 5)]}, "by a coder who is not exported"),
        ({"codings": [Coding(1, 100, 10, 1, 5, 5)]}, "outside its source's text"),
        ({"codings": [Coding(1, 100, 10, 1, 0, 10_000)]}, "outside its source's text"),
        ({"memos": [Memo(1, "x")]}, "on a theme or on a coded passage"),
        ({"memos": [Memo(1, "x", theme_id=1, coding_id=1000)]}, "on a theme or on a coded passage"),
        ({"memos": [Memo(1, "x", coding_id=77)]}, "on a coding that is not exported"),
        ({"themes": [Theme(1, "a", parent_id=2), Theme(2, "b", parent_id=1)]}, "in a loop"),
        ({"themes": [Theme(1, "a", parent_id=7)]}, "under a theme that is not exported"),
        ({"themes": [Theme(1, "a"), Theme(1, "b")]}, "same id"),
    ],
)
def test_data_that_does_not_hang_together_is_refused(change, message):
    base = project()
    fields = {
        "codings": change.get("codings", []),
        "memos": change.get("memos", []),
        "themes": change.get("themes", base.themes),
    }
    with pytest.raises(RefiQdaError, match=message):
        write_project(Project(name="p", coders=CODERS, sources=base.sources, **fields))


# --- the codebook (.qdc) -------------------------------------------------------------------------


def test_the_codebook_validates_and_round_trips_as_the_same_tree():
    data = write_codebook(THEMES)
    CODEBOOK_XSD.validate(io.BytesIO(data))
    assert etree.fromstring(data).tag == f"{{{CODEBOOK_NS}}}CodeBook"
    read = read_codebook(data)
    assert read == (
        CodebookTheme(
            guid("theme", 1),
            "O-HOME: Staying at home",
            "I can stay living in my own home",
            color="#1D70B8",
            children=(
                CodebookTheme(
                    guid("theme", 2), "Night visits", "Visits at night that keep people safe"
                ),
            ),
        ),
        CodebookTheme(
            guid("theme", 3),
            "Being asked",
            "People asked what they want",
            proposed_as_new_outcome=True,
            children=(
                CodebookTheme(
                    guid("theme", 4),
                    "Choice & control <in care>",
                    codable=False,
                    children=(CodebookTheme(guid("theme", 5), "Sub-sub", "Deeper still"),),
                ),
            ),
        ),
    )


def test_a_codebook_written_back_from_what_was_read_is_the_same_file():
    def flatten(themes, parent=None):
        for t in themes:
            yield Theme(
                t.guid,
                t.name,
                t.description,
                parent_id=parent,
                proposed_as_new_outcome=t.proposed_as_new_outcome,
                codable=t.codable,
                color=t.color,
                guid=t.guid,
            )
            yield from flatten(t.children, t.guid)

    data = write_codebook(THEMES)
    again = write_codebook(list(flatten(read_codebook(data))))
    assert again == data


def test_a_codebook_of_other_software_is_read():
    other = f"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="{CODEBOOK_NS}" origin="ATLAS.ti Win 23.4.0">
  <Codes>
    <Code guid="{{1ff58b12-6f6f-4b0c-8be5-bbdc91f55294}}" name="code1" color="#46AA00"
          isCodable="true">
      <Description>description</Description>
      <Code guid="2FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="child" isCodable="1"/>
    </Code>
  </Codes>
  <Sets><Set name="code group 1" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0">
    <MemberCode guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"/></Set></Sets>
</CodeBook>""".encode()
    CODEBOOK_XSD.validate(io.BytesIO(other))
    (code,) = read_codebook(other)
    assert code.guid == "1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" and code.color == "#46AA00"
    assert code.description == "description" and not code.proposed_as_new_outcome
    assert [c.name for c in code.children] == ["child"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not xml", "not well-formed XML"),
        (b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>', "not a REFI-QDA codebook"),
        (f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes/></CodeBook>'.encode(), "has no codes"),
        (
            f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="{guid("t", 1)}" isCodable="true"/>'
            "</Codes></CodeBook>".encode(),
            "no name or no GUID",
        ),
        (
            f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="{guid("t", 1)}" name="a" '
            f'isCodable="true"/><Code guid="{guid("t", 1)}" name="b" isCodable="true"/></Codes>'
            "</CodeBook>".encode(),
            "same GUID",
        ),
        (b"<" * (5 * 1024 * 1024 + 1), "smaller than 5 MB"),
    ],
)
def test_files_that_are_not_codebooks_are_refused(data, message):
    with pytest.raises(RefiQdaError, match=message):
        read_codebook(data)


def test_entities_are_not_expanded_nor_external_files_read(tmp_path):
    """A codebook never declares a document type: one that does (an external file, or entities
    that libxml2 would expand in attribute values even with resolve_entities off: a "billion
    laughs") is refused before it is parsed, in any encoding."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = f"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY x SYSTEM "file://{secret}">]>
<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="{guid("t", 1)}" name="a" isCodable="true">
<Description>before &x; after</Description></Code></Codes></CodeBook>"""
    laughs = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(9))
    bomb = f"""<?xml version="1.0"?><!DOCTYPE CodeBook [{laughs}]>
<CodeBook xmlns="{CODEBOOK_NS}"><Codes><Code guid="{guid("t", 1)}" name="a&l8;"/></Codes>
</CodeBook>"""
    for text in (data, data.replace('name="a"', 'name="a&x;"'), bomb):
        for encoded in (
            text.encode(),
            text.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16"),
        ):
            with pytest.raises(RefiQdaError, match="declares a document type or entities"):
                read_codebook(encoded)


def test_an_empty_codebook_is_refused():
    with pytest.raises(RefiQdaError, match="no themes"):
        write_codebook([])


def test_the_exchange_imports_nothing_of_django():
    code = (
        "import sys, outcomes.exchange.refi_qda; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('django', 'poet', 'surveys', 'reports', 'api') or m.startswith('outcomes.') "
        "and not m.startswith('outcomes.exchange')))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
        env={"PATH": "/usr/bin:/bin"},
    )
    assert found.stdout.strip() == "[]"


def test_an_imported_code_keeps_its_guid_when_exported_again():
    imported = "{1ff58b12-6f6f-4b0c-8be5-bbdc91f55294}"
    themes = [Theme(1, "Imported", guid=imported), Theme(2, "Ours", parent_id=1)]
    (read,) = read_codebook(write_codebook(themes))
    assert read.guid == "1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"
    assert read.children[0].guid == guid("theme", 2)
    source = Source(1, "Source 1", "Carers", "Interview", "Some words here")
    data = write_project(
        Project(
            name="p",
            coders=[Coder(1, "A")],
            themes=themes,
            sources=[source],
            codings=[Coding(1, 1, 1, 1, 0, 4)],
        )
    )
    qde = unpacked(data)["project.qde"]
    PROJECT_XSD.validate(io.BytesIO(qde))
    assert b'CodeRef targetGUID="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294"' in qde
    with pytest.raises(RefiQdaError, match="not one"):
        write_codebook([Theme(1, "Bad", guid="nope")])
    with pytest.raises(RefiQdaError, match="same GUID"):
        write_codebook([Theme(1, "a", guid=imported), Theme(2, "b", guid=imported.upper())])
