"""Crafting hostile workbooks: a built workbook with cells, parts or defined names edited as a
sender with a text editor and a zip tool would edit them (never through openpyxl, which would
drop what the reader must see). Used by tests/test_hostile_workbooks.py."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Mapping
from xml.sax.saxutils import escape

Edit = Callable[[dict[str, bytes]], None]  # changes the package's parts in place


def sheet_part(parts: Mapping[str, bytes], sheet: str) -> str:
    """The part name of the sheet called `sheet` (xlsxwriter numbers them in workbook order)."""
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    names = re.findall(r'<sheet name="([^"]*)"', workbook)
    index = names.index(escape(sheet, {'"': "&quot;"})) + 1
    return f"xl/worksheets/sheet{index}.xml"


def _cell_xml(ref: str, value: object, style: str) -> str:
    if value is None:
        return f'<c r="{ref}"{style}/>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    text = escape(str(value))
    return f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _split(ref: str) -> tuple[str, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert match, ref
    return match[1], int(match[2])


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def set_cells(sheet: str, cells: Mapping[str, object]) -> Edit:
    """Each cell (A1 reference) of `sheet` holds the value given: text (inline), a number, a
    boolean or None (empty); its style is kept. Cells and rows not in the sheet are added."""

    def edit(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, sheet)
        xml = parts[part].decode("utf-8")
        for ref, value in cells.items():
            xml = _set_cell(xml, ref, value)
        parts[part] = xml.encode("utf-8")

    return edit


def _set_cell(xml: str, ref: str, value: object) -> str:
    letters, row = _split(ref)
    cell = re.compile(rf'<c r="{ref}"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)', re.S)
    found = cell.search(xml)
    if found:
        style = re.search(r' s="\d+"', found["attrs"])
        return xml[: found.start()] + _cell_xml(ref, value, style[0] if style else "") + xml[found.end() :]
    new = _cell_xml(ref, value, "")
    row_match = re.search(rf'<row r="{row}"[^>]*?(/>|>)', xml)
    if row_match is None:  # a new row, in order among the others
        rows = [(int(m[1]), m.start()) for m in re.finditer(r'<row r="(\d+)"', xml)]
        later = [start for number, start in rows if number > row]
        at = later[0] if later else xml.index("</sheetData>")
        return xml[:at] + f'<row r="{row}">{new}</row>' + xml[at:]
    if row_match[1] == "/>":
        opened = row_match[0][:-2] + ">"
        return xml[: row_match.start()] + opened + new + "</row>" + xml[row_match.end() :]
    end = xml.index("</row>", row_match.end())
    body = xml[row_match.end() : end]
    column = _column_number(letters)
    at = row_match.end() + len(body)
    for other in re.finditer(r'<c r="([A-Z]+)\d+"', body):
        if _column_number(other[1]) > column:
            at = row_match.end() + other.start()
            break
    return xml[:at] + new + xml[at:]


def replace_in(part: str, old: str, new: str, count: int = 1) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        text = parts[part].decode("utf-8")
        assert old in text, f"{old!r} not in {part}"
        parts[part] = text.replace(old, new, count).encode("utf-8")

    return edit


def in_sheet(sheet: str, change: Callable[[str], str]) -> Edit:
    """The sheet's XML rewritten by `change`."""

    def edit(parts: dict[str, bytes]) -> None:
        part = sheet_part(parts, sheet)
        parts[part] = change(parts[part].decode("utf-8")).encode("utf-8")

    return edit


def defined_name(name: str, refers_to: str | None) -> Edit:
    """The defined name `name` now refers to `refers_to` (such as 'Data'!$A$5:$XFD$5); None removes it."""

    def edit(parts: dict[str, bytes]) -> None:
        text = parts["xl/workbook.xml"].decode("utf-8")
        pattern = re.compile(rf'<definedName name="{name}"[^>]*>[^<]*</definedName>')
        assert pattern.search(text), name
        replacement = (
            "" if refers_to is None else f'<definedName name="{name}">{escape(refers_to)}</definedName>'
        )
        parts["xl/workbook.xml"] = pattern.sub(replacement, text, count=1).encode("utf-8")

    return edit


def add_part(part: str, content: bytes) -> Edit:
    def edit(parts: dict[str, bytes]) -> None:
        parts[part] = content

    return edit


def edited(book: bytes, *edits: Edit) -> bytes:
    """`book` with `edits` made to its parts, zipped again as Excel would (deflated)."""
    source = zipfile.ZipFile(io.BytesIO(book))
    parts = {info.filename: source.read(info) for info in source.infolist()}
    for edit in edits:
        edit(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in parts.items():
            out.writestr(name, content)
    return buffer.getvalue()


def named_cell(parts: Mapping[str, bytes], name: str) -> tuple[str, int, int]:
    """The sheet, 0-based row and column of the top-left cell a defined name refers to."""
    from scorecard_xl.workbook.snapshot import parse_reference

    workbook = parts["xl/workbook.xml"].decode("utf-8")
    found = re.search(rf'<definedName name="{name}"[^>]*>([^<]*)</definedName>', workbook)
    assert found, name
    rect = parse_reference(found[1].replace("&apos;", "'"))
    assert rect, found[1]
    return rect[0], rect[1], rect[2]


def set_named(name: str, value: object, rows_below: int = 0, columns_right: int = 0) -> Edit:
    """The cell a defined name refers to (or one `rows_below` and `columns_right` of it) holds `value`."""

    def edit(parts: dict[str, bytes]) -> None:
        from scorecard_xl.a1 import a1

        sheet, row, col = named_cell(parts, name)
        set_cells(sheet, {a1(row + rows_below, col + columns_right): value})(parts)

    return edit
