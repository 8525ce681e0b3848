"""The text of an uploaded note or transcript: plain text (.txt), Word (.docx) or OpenDocument
(.odt) (issue 16, item 1).

The kind of file is told by its content, never by its name alone: a file renamed from another
kind, a damaged or password-protected document, an old Word (.doc) file or one with no text is
refused with a message that says what to do. A document's body is read in order: each
paragraph, heading and list item a paragraph of the text, each table row a paragraph of its
cells' text (" | " between cells); paragraphs are separated by a blank line. Headers, footers,
footnotes, comments, text boxes and deleted tracked changes are left out: they hold page
furniture, not what was said.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

MAX_TEXT_FILE_BYTES = 2 * 1024 * 1024
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a document's parts, unzipped (a "zip bomb" is refused)
UPLOAD_EXTENSIONS = (".txt", ".docx", ".odt")
CELL_SEPARATOR = " | "

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODF_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODF_TEXT_MIMETYPE = "application/vnd.oasis.opendocument.text"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_OOXML = "EncryptionInfo".encode("utf-16-le")

KINDS = {"text": ".txt", "docx": ".docx", "odt": ".odt"}
LABELS = {
    "text": gettext_lazy("a plain text file (.txt)"),
    "docx": gettext_lazy("a Word document (.docx)"),
    "odt": gettext_lazy("an OpenDocument text (.odt)"),
}


class FileError(Exception):
    """The uploaded file cannot be read; the message says why and what to do."""


@dataclass(frozen=True)
class ReadFile:
    """What an upload holds: its text, its kind ("text", "docx" or "odt") and its bytes (kept
    only when the partnership keeps original files)."""

    text: str
    kind: str
    data: bytes

    @property
    def extension(self) -> str:
        return KINDS[self.kind]


def read_upload(upload: UploadedFile) -> ReadFile:
    """Read an uploaded .txt, .docx or .odt file in memory and return its text."""
    name = (upload.name or "").lower()
    if not name.endswith(UPLOAD_EXTENSIONS):
        raise FileError(
            _(
                "The file must be a plain text file (.txt), a Word document (.docx) or an "
                "OpenDocument text (.odt). Save it as one of those, or paste its text instead."
            )
        )
    limit = MAX_TEXT_FILE_BYTES if name.endswith(".txt") else MAX_DOCUMENT_BYTES
    too_large = _("The file must be smaller than %(size)s MB.") % {"size": limit // (1024 * 1024)}
    if upload.size is not None and upload.size > limit:
        raise FileError(too_large)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise FileError(too_large)
    return read_file(name, data)


def read_file(name: str, data: bytes) -> ReadFile:
    """The text of a file called `name` holding `data`, told apart by its content."""
    if not data:
        raise FileError(_("The file is empty."))
    expected = next(kind for kind, ext in KINDS.items() if name.lower().endswith(ext))
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_OOXML in data:
            raise FileError(
                _(
                    "The document is protected by a password, so it cannot be read. Open it, "
                    "remove the password (or save an unprotected copy) and upload that."
                )
            )
        raise FileError(
            _(
                "The file is an old Word document (.doc) or another older Office file. Open it and "
                "save it as a Word document (.docx) or OpenDocument text (.odt), then upload that."
            )
        )
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        kind, text = _read_package(data, expected)
    elif expected != "text":
        raise FileError(
            _(
                "The file is not %(kind)s, though its name says so: it may have been renamed "
                "from another kind of file. Open it in a word processor and save it as .docx or "
                ".odt, or paste its text instead."
            )
            % {"kind": LABELS[expected]}
        )
    else:
        kind, text = "text", _plain_text(data)
    if not text.strip():
        raise FileError(_("The file has no text in it."))
    return ReadFile(text=text, kind=kind, data=data)


def _plain_text(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        raise FileError(
            _(
                "The file is a PDF, not plain text: copy its text and paste it instead, or save "
                "the original as .docx, .odt or .txt."
            )
        )
    if b"\x00" in data:
        raise FileError(_("The file is not plain text: save it as a .txt file and try again."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _damaged(expected: str) -> FileError:
    what = LABELS[expected] if expected != "text" else _("a document")
    return FileError(
        _(
            "The file is damaged and cannot be read as %(kind)s. Open it in a word processor, "
            "save it again and upload the new copy, or paste its text instead."
        )
        % {"kind": what}
    )


def _read_package(data: bytes, expected: str) -> tuple[str, str]:
    """A zip package: a Word or OpenDocument text, whichever its parts say it is."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
        if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED_BYTES:
            raise FileError(
                _("The document is too large to read: its unpacked parts exceed 100 MB.")
            )
        if "[Content_Types].xml" in names:
            return "docx", _docx_text(data, expected)
        if "mimetype" in names:
            mimetype = package.read("mimetype").decode("ascii", errors="replace").strip()
            if mimetype.startswith(ODF_TEXT_MIMETYPE):
                manifest = (
                    package.read("META-INF/manifest.xml")
                    if ("META-INF/manifest.xml" in names)
                    else b""
                )
                if b"encryption-data" in manifest:
                    raise FileError(
                        _(
                            "The document is protected by a password, so it cannot be read. Open "
                            "it, save a copy without the password and upload that."
                        )
                    )
                return "odt", _odt_text(data, expected)
            raise FileError(
                _(
                    "The file is an OpenDocument file but not a text document (it may be a "
                    "spreadsheet or a presentation): upload the text as .odt, .docx or .txt."
                )
            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, OSError) as e:
        raise _damaged(expected) from e
    raise FileError(
        _(
            "The file is a zip archive, not a Word or OpenDocument text: upload the document "
            "itself (.docx, .odt or .txt)."
        )
    )


# --- Word ---------------------------------------------------------------------------------------


def _docx_text(data: bytes, expected: str) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as e:  # a package, but its main part is not a Word document
        raise FileError(
            _(
                "The file is not a Word document that can be read (it may be a spreadsheet, a "
                "presentation or a document with macros): save the text as .docx, .odt or .txt "
                "and upload that."
            )
        ) from e
    except (PackageNotFoundError, KeyError, etree.XMLSyntaxError, zipfile.BadZipFile) as e:
        raise _damaged(expected) from e
    return "\n\n".join(_docx_blocks(document.element.body))


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _docx_blocks(container: etree._Element) -> Iterator[str]:
    """The paragraphs of a body, a cell or a content control, and its tables' rows, in order."""
    for child in container:
        if child.tag == _w("p"):
            text = _docx_paragraph(child)
            if text.strip():
                yield text.strip()
        elif child.tag == _w("tbl"):
            yield from _docx_table(child)
        elif child.tag == _w("sdt"):
            for content in child.iterchildren(_w("sdtContent")):
                yield from _docx_blocks(content)


def _docx_table(table: etree._Element) -> Iterator[str]:
    for row in table.iterchildren(_w("tr")):
        cells = []
        for cell in _docx_cells(row):
            text = " ".join(_docx_blocks(cell)).replace("\n\n", " ")
            if text.strip():
                cells.append(text.strip())
        if cells:
            yield CELL_SEPARATOR.join(cells)


def _docx_cells(row: etree._Element) -> Iterator[etree._Element]:
    for child in row:
        if child.tag == _w("tc"):
            yield child
        elif child.tag == _w("sdt"):
            for content in child.iterchildren(_w("sdtContent")):
                yield from _docx_cells(content)


_SKIPPED_IN_PARAGRAPH = {_w("del"), _w("txbxContent"), _w("footnoteReference")}


def _docx_paragraph(paragraph: etree._Element) -> str:
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_IN_PARAGRAPH:
                continue
            if tag.endswith("}Fallback"):  # mc:AlternateContent: the Choice is read instead
                continue
            if tag == _w("t"):
                parts.append(child.text or "")
            elif tag == _w("tab"):
                parts.append("\t")
            elif tag in (_w("br"), _w("cr")):
                parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                parts.append("-")
            elif tag != _w("pPr"):
                walk(child)

    walk(paragraph)
    return "".join(parts)


# --- OpenDocument -------------------------------------------------------------------------------


def _odt_text(data: bytes, expected: str) -> str:
    from odf.opendocument import load

    try:
        document = load(io.BytesIO(data))
    except Exception as e:  # odfpy raises what its XML parser and zipfile raise
        raise _damaged(expected) from e
    body = document.text
    if body is None:
        raise _damaged(expected)
    return "\n\n".join(_odt_blocks(body))


def _qname(element) -> tuple[str, str]:
    return element.qname if hasattr(element, "qname") else ("", "")


def _odt_blocks(container) -> Iterator[str]:
    for child in container.childNodes:
        qname = _qname(child)
        if qname in ((ODF_TEXT, "p"), (ODF_TEXT, "h")):
            text = _odt_inline(child)
            if text.strip():
                yield text.strip()
        elif qname == (ODF_TABLE, "table"):
            yield from _odt_table(child)
        elif qname[0] == ODF_TEXT and qname[1] in ("tracked-changes", "sequence-decls"):
            continue
        elif getattr(child, "childNodes", None):
            yield from _odt_blocks(child)  # sections, lists and list items, index bodies


def _odt_table(table) -> Iterator[str]:
    for row in _odt_rows(table):
        cells = []
        for cell in row.childNodes:
            if _qname(cell) == (ODF_TABLE, "table-cell"):
                text = " ".join(_odt_blocks(cell))
                if text.strip():
                    cells.append(text.strip())
        if cells:
            yield CELL_SEPARATOR.join(cells)


def _odt_rows(element) -> Iterator:
    for child in element.childNodes:
        qname = _qname(child)
        if qname == (ODF_TABLE, "table-row"):
            yield child
        elif qname[0] == ODF_TABLE and qname[1] in (
            "table-rows",
            "table-header-rows",
            "table-row-group",
        ):
            yield from _odt_rows(child)


_ODF_SKIPPED_INLINE = {"note", "annotation", "bookmark-start", "tracked-changes"}


def _odt_inline(paragraph) -> str:
    parts: list[str] = []

    def walk(element) -> None:
        for child in element.childNodes:
            if child.nodeType == child.TEXT_NODE:
                parts.append(str(child.data))
                continue
            namespace, local = _qname(child)
            if local in _ODF_SKIPPED_INLINE or namespace.endswith(":drawing:1.0"):
                continue
            if local == "annotation" or namespace.endswith(":office:1.0"):
                continue
            if (namespace, local) == (ODF_TEXT, "s"):
                parts.append(" " * int(child.getAttribute("c") or 1))
            elif (namespace, local) == (ODF_TEXT, "tab"):
                parts.append("\t")
            elif (namespace, local) == (ODF_TEXT, "line-break"):
                parts.append("\n")
            else:
                walk(child)

    walk(paragraph)
    return "".join(parts)
