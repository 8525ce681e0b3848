"""Word (.docx) and OpenDocument (.odt) files built in the tests with python-docx and odfpy, so
no binary fixture is committed."""

from __future__ import annotations

import io
import zipfile

import docx
from odf import table as odf_table
from odf import text as odf_text
from odf.opendocument import OpenDocumentText
from odf.style import Footer, Header, MasterPage, PageLayout


def word_document(
    paragraphs: list[str],
    *,
    table: list[list[str]] | None = None,
    after: list[str] = (),  # type: ignore[assignment]
    header: str = "",
    footer: str = "",
) -> bytes:
    """A .docx: the paragraphs, then the table (rows of cells), then the paragraphs after."""
    document = docx.Document()
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if footer:
        document.sections[0].footer.paragraphs[0].text = footer
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        built = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                built.cell(r, c).text = cell
    for paragraph in after:
        document.add_paragraph(paragraph)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def open_document(
    paragraphs: list[str],
    *,
    table: list[list[str]] | None = None,
    after: list[str] = (),  # type: ignore[assignment]
    header: str = "",
    footer: str = "",
) -> bytes:
    """An .odt with the same shape as `word_document`'s (header and footer on the master page)."""
    document = OpenDocumentText()
    if header or footer:
        layout = PageLayout(name="page")
        document.automaticstyles.addElement(layout)
        master = MasterPage(name="Standard", pagelayoutname=layout)
        if header:
            part = Header()
            part.addElement(odf_text.P(text=header))
            master.addElement(part)
        if footer:
            part = Footer()
            part.addElement(odf_text.P(text=footer))
            master.addElement(part)
        document.masterstyles.addElement(master)
    for paragraph in paragraphs:
        document.text.addElement(odf_text.P(text=paragraph))
    if table:
        built = odf_table.Table(name="Table1")
        for row in table:
            table_row = odf_table.TableRow()
            for cell in row:
                table_cell = odf_table.TableCell()
                table_cell.addElement(odf_text.P(text=cell))
                table_row.addElement(table_cell)
            built.addElement(table_row)
        document.text.addElement(built)
    for paragraph in after:
        document.text.addElement(odf_text.P(text=paragraph))
    output = io.BytesIO()
    document.write(output)
    return output.getvalue()


def repacked(data: bytes, **replaced: bytes) -> bytes:
    """The zip package `data` with some parts' contents replaced (names with "/" as "__")."""
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            key = info.filename.replace("/", "__").replace(".", "_").replace("-", "_")
            target.writestr(info, replaced.get(key, source.read(info.filename)))
    return output.getvalue()
