"""REFI-QDA files (issue 16, item 7): a wave's qualitative work as a project (.qdpx) that NVivo,
MAXQDA, ATLAS.ti and QualCoder open, its codebook as a .qdc, and a .qdc read back into themes.

The REFI-QDA standard (www.qdasoftware.org, QDA-XML 1.0) in brief: a .qdpx is a zip holding
`project.qde`, XML in the namespace `urn:QDA-XML:project:1.0`, and the sources' text as
`Sources/<GUID>.txt` (UTF-8; the folder the standard names), which the project names as
`internal://<GUID>.txt`; positions of coded passages count characters (code points) of that
text. A .qdc is XML alone, in `urn:QDA-XML:codebook:1.0`.

How POET's words map onto it:

| POET                         | REFI-QDA                                                          |
|------------------------------|-------------------------------------------------------------------|
| coder                        | `User` (GUID, display name)                                       |
| theme (and sub-theme)        | `Code` (nested), its description `Description`, `isCodable`       |
| new outcome proposed by users| membership of the `Set` "New outcomes proposed by users"          |
| source                       | `TextSource` with variables Audience and Session                  |
| coding                       | `PlainTextSelection` (start, end) holding one `Coding` → `CodeRef`|
| memo                         | `Note`, referred to by a `NoteRef` from its theme or coded passage|

Everything is pure: dataclasses in, bytes out (and bytes in, dataclasses out); the apps map their
models onto these classes. GUIDs are derived from each object's kind and id (UUID 5), and the zip
is written with fixed dates, so exporting the same data twice gives the same bytes. Only the text
given is written: the apps give the masked text of sources whose masking was confirmed, and names
of sources that hold no personal data.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "POET"
PROPOSED_SET = "New outcomes proposed by users"
# The namespace of every GUID POET writes: a GUID is uuid5(GUIDS, "<kind>:<id>").
GUIDS = uuid.uuid5(uuid.NAMESPACE_URL, "https://poet.invalid/refi-qda")
MAX_CODEBOOK_BYTES = 5 * 1024 * 1024
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

Id = int | str


class RefiQdaError(ValueError):
    """The data cannot be written, or a file cannot be read; the message says why."""


# --- what goes in -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Coder:
    """A person who codes: a REFI-QDA `User`."""

    id: Id
    name: str


@dataclass(frozen=True)
class Theme:
    """A theme of the codebook (a sub-theme names its parent's id)."""

    id: Id
    name: str
    description: str = ""
    parent_id: Id | None = None
    proposed_as_new_outcome: bool = False
    codable: bool = True
    color: str | None = None  # "#RRGGBB"
    guid: str | None = None  # a GUID it came with (an imported code keeps its own)


@dataclass(frozen=True)
class Source:
    """A source's masked text, with its audience and session; `name` holds no personal data."""

    id: Id
    name: str
    audience: str
    session: str
    text: str


@dataclass(frozen=True)
class Coding:
    """One coder's application of one theme to characters [start, end) of a source's text."""

    id: Id
    source_id: Id
    coder_id: Id
    theme_id: Id
    start: int
    end: int


@dataclass(frozen=True)
class Memo:
    """A memo on a theme or on a coding (exactly one of the two)."""

    id: Id
    text: str
    theme_id: Id | None = None
    coding_id: Id | None = None
    coder_id: Id | None = None
    title: str = ""


@dataclass(frozen=True)
class Project:
    """A wave's qualitative work. `created_at`, when given, is written as the project's creation
    time (give a fixed one, such as the wave's, to keep re-exports identical)."""

    name: str
    coders: Sequence[Coder] = ()
    themes: Sequence[Theme] = ()
    sources: Sequence[Source] = ()
    codings: Sequence[Coding] = ()
    memos: Sequence[Memo] = ()
    description: str = ""
    created_at: datetime | None = None


# --- what comes back from a codebook ------------------------------------------------------------


@dataclass(frozen=True)
class CodebookTheme:
    """A theme read from a .qdc: its GUID, words and sub-themes, in the file's order."""

    guid: str
    name: str
    description: str = ""
    codable: bool = True
    color: str | None = None
    proposed_as_new_outcome: bool = False
    children: tuple[CodebookTheme, ...] = field(default_factory=tuple)


# --- GUIDs --------------------------------------------------------------------------------------


def guid(kind: str, id: Id) -> str:
    """The stable GUID of an object: the same kind and id give the same GUID in every export."""
    return str(uuid.uuid5(GUIDS, f"{kind}:{id}")).upper()


def theme_guid(theme: Theme) -> str:
    """A theme's GUID: the one it was imported with, else derived from its id."""
    if theme.guid is None:
        return guid("theme", theme.id)
    try:
        return str(uuid.UUID(theme.guid.strip().strip("{}"))).upper()
    except ValueError as e:
        raise RefiQdaError(f"The theme “{theme.name}” has a GUID that is not one.") from e


# --- writing ------------------------------------------------------------------------------------


def write_codebook(themes: Sequence[Theme], *, origin: str = ORIGIN) -> bytes:
    """The themes as a REFI-QDA codebook (.qdc): UTF-8 XML in `urn:QDA-XML:codebook:1.0`."""
    if not themes:
        raise RefiQdaError("The codebook has no themes: add a theme before exporting it.")
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", origin)
    codes = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    _codes(codes, themes, CODEBOOK_NS, notes={})
    proposed = [t for t in themes if t.proposed_as_new_outcome]
    if proposed:
        sets = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Sets")
        found = etree.SubElement(sets, f"{{{CODEBOOK_NS}}}Set")
        found.set("guid", guid("set", "proposed"))
        found.set("name", PROPOSED_SET)
        _text(found, CODEBOOK_NS, "Description", _PROPOSED_DESCRIPTION)
        for theme in proposed:
            etree.SubElement(found, f"{{{CODEBOOK_NS}}}MemberCode").set("guid", theme_guid(theme))
    return _xml(root)


_PROPOSED_DESCRIPTION = (
    "Themes that service users or carers raised as an outcome the partnership had not listed: "
    "candidates for an outcome statement in the next wave."
)


def write_project(project: Project) -> bytes:
    """The project as a REFI-QDA project file (.qdpx): a zip of `project.qde` and the sources'
    text files. Refuses data that does not hang together (a coding of an unknown theme, a
    passage outside its source's text…) rather than write a file other software rejects."""
    _check(project)
    root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS})
    root.set("name", project.name)
    root.set("origin", ORIGIN)
    if project.created_at is not None:
        root.set("creationDateTime", _datetime(project.created_at))
    notes = _memo_refs(project.memos)
    themes = {theme.id: theme_guid(theme) for theme in project.themes}
    if project.coders:
        users = _sub(root, "Users")
        for coder in project.coders:
            user = _sub(users, "User")
            user.set("guid", guid("coder", coder.id))
            user.set("name", coder.name)
    if project.themes:
        codes = _sub(_sub(root, "CodeBook"), "Codes")
        _codes(codes, project.themes, PROJECT_NS, notes=notes)
    files: list[tuple[str, str]] = []
    if project.sources:
        variables = _sub(root, "Variables")
        for name in ("Audience", "Session"):
            variable = _sub(variables, "Variable")
            variable.set("guid", guid("variable", name))
            variable.set("name", name)
            variable.set("typeOfVariable", "Text")
        sources = _sub(root, "Sources")
        for source in project.sources:
            files.append(_source(sources, source, project.codings, notes, themes))
    if project.memos:
        _notes(_sub(root, "Notes"), project.memos)
    proposed = [t for t in project.themes if t.proposed_as_new_outcome]
    if proposed:
        found = _sub(_sub(root, "Sets"), "Set")
        found.set("guid", guid("set", "proposed"))
        found.set("name", PROPOSED_SET)
        _text(found, PROJECT_NS, "Description", _PROPOSED_DESCRIPTION)
        for theme in proposed:
            _sub(found, "MemberCode").set("targetGUID", theme_guid(theme))
    if project.description:
        _text(root, PROJECT_NS, "Description", project.description)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        _add(package, "project.qde", _xml(root))
        for name, text in files:
            _add(package, f"Sources/{name}", text.encode("utf-8"))
    return output.getvalue()


def _add(package: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    package.writestr(info, data)


def _xml(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _sub(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{PROJECT_NS}}}{tag}")


def _text(parent: etree._Element, namespace: str, tag: str, text: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
    element.text = _xml_safe(text)
    return element


def _xml_safe(text: str) -> str:
    """XML 1.0 cannot hold most control characters: each becomes a space (one for one, so
    character positions hold)."""
    return "".join(
        ch
        if ch in "\t\n\r"
        or (" " <= ch <= "\ud7ff")
        or ("\ue000" <= ch <= "\ufffd")
        or ch > "\uffff"
        else " "
        for ch in text
    )


def _datetime(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def _children(themes: Sequence[Theme]) -> dict[Id | None, list[Theme]]:
    ids = {t.id for t in themes}
    children: dict[Id | None, list[Theme]] = {}
    for theme in themes:
        if theme.parent_id is not None and theme.parent_id not in ids:
            raise RefiQdaError(f"The theme “{theme.name}” is under a theme that is not exported.")
        children.setdefault(theme.parent_id, []).append(theme)
    return children


def _codes(
    parent: etree._Element,
    themes: Sequence[Theme],
    namespace: str,
    *,
    notes: dict[tuple[str, Id], list[Memo]],
) -> None:
    if len({t.id for t in themes}) != len(themes):
        raise RefiQdaError("Two themes have the same id.")
    if len({theme_guid(t) for t in themes}) != len(themes):
        raise RefiQdaError("Two themes have the same GUID.")
    children = _children(themes)
    written: set[Id] = set()

    def add(element: etree._Element, theme: Theme) -> None:
        written.add(theme.id)
        code = etree.SubElement(element, f"{{{namespace}}}Code")
        code.set("guid", theme_guid(theme))
        code.set("name", _xml_safe(theme.name))
        code.set("isCodable", "true" if theme.codable else "false")
        if theme.color:
            code.set("color", theme.color)
        if theme.description:
            _text(code, namespace, "Description", theme.description)
        for memo in notes.get(("theme", theme.id), []):
            etree.SubElement(code, f"{{{namespace}}}NoteRef").set(
                "targetGUID", guid("memo", memo.id)
            )
        for child in children.get(theme.id, []):
            add(code, child)

    for theme in children.get(None, []):
        add(parent, theme)
    if len(written) != len(themes):
        raise RefiQdaError(
            "Some themes are under each other in a loop: none of them is at the top."
        )


def _memo_refs(memos: Sequence[Memo]) -> dict[tuple[str, Id], list[Memo]]:
    refs: dict[tuple[str, Id], list[Memo]] = {}
    for memo in memos:
        key = ("theme", memo.theme_id) if memo.theme_id is not None else ("coding", memo.coding_id)
        refs.setdefault(key, []).append(memo)  # type: ignore[arg-type]
    return refs


def _check(project: Project) -> None:
    sources = {s.id: s for s in project.sources}
    themes = {t.id for t in project.themes}
    coders = {c.id for c in project.coders}
    codings = {c.id for c in project.codings}
    for items, what in ((project.sources, "sources"), (project.coders, "coders")):
        if len({i.id for i in items}) != len(items):
            raise RefiQdaError(f"Two {what} have the same id.")
    if len(codings) != len(project.codings) or len({m.id for m in project.memos}) != len(
        project.memos
    ):
        raise RefiQdaError("Two codings, or two memos, have the same id.")
    for coding in project.codings:
        source = sources.get(coding.source_id)
        if source is None:
            raise RefiQdaError(f"Coding {coding.id} is of a source that is not exported.")
        if coding.theme_id not in themes:
            raise RefiQdaError(f"Coding {coding.id} applies a theme that is not exported.")
        if coding.coder_id not in coders:
            raise RefiQdaError(f"Coding {coding.id} is by a coder who is not exported.")
        if not 0 <= coding.start < coding.end <= len(source.text):
            raise RefiQdaError(
                f"Coding {coding.id} marks characters {coding.start}–{coding.end}, outside its "
                f"source's text ({len(source.text)} characters)."
            )
    for memo in project.memos:
        if (memo.theme_id is None) == (memo.coding_id is None):
            raise RefiQdaError("A memo must be on a theme or on a coded passage (one of them).")
        if memo.theme_id is not None and memo.theme_id not in themes:
            raise RefiQdaError(f"Memo {memo.id} is on a theme that is not exported.")
        if memo.coding_id is not None and memo.coding_id not in codings:
            raise RefiQdaError(f"Memo {memo.id} is on a coding that is not exported.")
        if memo.coder_id is not None and memo.coder_id not in coders:
            raise RefiQdaError(f"Memo {memo.id} is by a coder who is not exported.")


def _source(
    parent: etree._Element,
    source: Source,
    codings: Iterable[Coding],
    notes: dict[tuple[str, Id], list[Memo]],
    themes: dict[Id, str],
) -> tuple[str, str]:
    source_guid = guid("source", source.id)
    file_name = f"{source_guid}.txt"
    element = _sub(parent, "TextSource")
    element.set("guid", source_guid)
    element.set("name", _xml_safe(source.name))
    element.set("plainTextPath", f"internal://{file_name}")
    _text(element, PROJECT_NS, "Description", f"{source.audience} – {source.session}")
    mine = sorted(
        (c for c in codings if c.source_id == source.id),
        key=lambda c: (c.start, c.end, str(c.theme_id), str(c.coder_id), str(c.id)),
    )
    for coding in mine:
        selection = _sub(element, "PlainTextSelection")
        selection.set("guid", guid("selection", coding.id))
        selection.set("startPosition", str(coding.start))
        selection.set("endPosition", str(coding.end))
        selection.set("creatingUser", guid("coder", coding.coder_id))
        applied = _sub(selection, "Coding")
        applied.set("guid", guid("coding", coding.id))
        applied.set("creatingUser", guid("coder", coding.coder_id))
        _sub(applied, "CodeRef").set("targetGUID", themes[coding.theme_id])
        for memo in notes.get(("coding", coding.id), []):
            _sub(selection, "NoteRef").set("targetGUID", guid("memo", memo.id))
    for name, value in (("Audience", source.audience), ("Session", source.session)):
        variable_value = _sub(element, "VariableValue")
        _sub(variable_value, "VariableRef").set("targetGUID", guid("variable", name))
        _text(variable_value, PROJECT_NS, "TextValue", value)
    return file_name, _xml_safe(source.text)


def _notes(parent: etree._Element, memos: Sequence[Memo]) -> None:
    for memo in memos:
        note = _sub(parent, "Note")
        note.set("guid", guid("memo", memo.id))
        note.set(
            "name",
            _xml_safe(
                memo.title
                or ("Memo on a theme" if memo.theme_id is not None else "Memo on a coded passage")
            ),
        )
        if memo.coder_id is not None:
            note.set("creatingUser", guid("coder", memo.coder_id))
        _text(note, PROJECT_NS, "PlainTextContent", memo.text)


# --- reading a codebook -------------------------------------------------------------------------


_DOCTYPE = {
    encoding: "<!DOCTYPE".encode(encoding)
    for encoding in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
}
_NO_DTD = (
    "The file is not a REFI-QDA codebook: it declares a document type or entities, which a "
    "codebook never does. Export the codebook from your software as a .qdc file."
)


def read_codebook(data: bytes) -> tuple[CodebookTheme, ...]:
    """The themes of a REFI-QDA codebook (.qdc), as a tree in the file's order. Themes in the
    set "New outcomes proposed by users" come back marked so. Refuses what is not a codebook."""
    if len(data) > MAX_CODEBOOK_BYTES:
        raise RefiQdaError("The codebook file must be smaller than 5 MB.")
    # libxml2 expands entities in attribute values even with resolve_entities=False, so a file
    # that declares any (a "billion laughs", an external file) is refused before it is parsed:
    # a codebook has no document type declaration.
    if any(_DOCTYPE[encoding] in data for encoding in _DOCTYPE):
        raise RefiQdaError(_NO_DTD)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        raise RefiQdaError(
            "The file is not a REFI-QDA codebook: it is not well-formed XML. Export the "
            "codebook from your software as a .qdc file."
        ) from e
    if root.getroottree().docinfo.internalDTD is not None:
        raise RefiQdaError(_NO_DTD)
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise RefiQdaError(
            "The file is not a REFI-QDA codebook (.qdc): its root is not a CodeBook in the "
            f"namespace {CODEBOOK_NS}."
        )
    codes = root.find(f"{{{CODEBOOK_NS}}}Codes")
    if codes is None or codes.find(f"{{{CODEBOOK_NS}}}Code") is None:
        raise RefiQdaError("The codebook has no codes.")
    proposed = {
        (member.get("guid") or "").upper()
        for found in root.iterfind(f"{{{CODEBOOK_NS}}}Sets/{{{CODEBOOK_NS}}}Set")
        if (found.get("name") or "").strip().casefold() == PROPOSED_SET.casefold()
        for member in found.iterfind(f"{{{CODEBOOK_NS}}}MemberCode")
    }
    seen: set[str] = set()

    def theme(code: etree._Element) -> CodebookTheme:
        code_guid = (code.get("guid") or "").strip().strip("{}").upper()
        name = (code.get("name") or "").strip()
        if not code_guid or not name:
            raise RefiQdaError("A code of the codebook has no name or no GUID.")
        if code_guid in seen:
            raise RefiQdaError(f"Two codes of the codebook have the same GUID ({code_guid}).")
        seen.add(code_guid)
        description = code.findtext(f"{{{CODEBOOK_NS}}}Description") or ""
        return CodebookTheme(
            guid=code_guid,
            name=name,
            description=description.strip(),
            codable=(code.get("isCodable") or "true").strip() in ("true", "1"),
            color=code.get("color"),
            proposed_as_new_outcome=code_guid in proposed,
            children=tuple(theme(c) for c in code.iterfind(f"{{{CODEBOOK_NS}}}Code")),
        )

    return tuple(theme(code) for code in codes.iterfind(f"{{{CODEBOOK_NS}}}Code"))
