"""The workbook's record of itself, declared once: every field a built workbook carries for the
readers that come after its build (refresh in every runtime, `build --from-workbook`, send, check,
read_workbook), each with its defined name, the sheet it sits on, its shape, its limits, how it is
written into a cell and read back, and who may set it.

The layout writes each field through `Field.encode` and marks its cell with the field's name; the
reader (workbook.reader) finds it by that name, checks the name's shape and decodes the cell with
`Field.decode`, which raises nothing but InputError naming the workbook, the sheet and cell, and
the field. Nothing here knows a cell position: the layout decides where each field sits.

Who may set a field (`set_by`) is the trust boundary (docs/security.md):
- "analyst": the workbook may say it, since the person who opens it types it (the period to show,
  commentary, rows pasted into the Data table, the data file names, targets on the Setup sheet);
- "build": only a build writes it; a refresh reads it back checked as strictly as a person's
  option (the options in "Built with", the publication note) and never lets it widen what the run
  may do: data files outside the workbook's folder, SQL, less suppression are the operator's
  (workbook.trust);
- "derived": worked out again from the data by every refresh; read only to compare.

RECORD_VERSION numbers the record's form. Version 1 is scorecard-xl 0.2.0's record, before the
version was written; version 2 adds the version itself and the publication note's name; version 3
puts the month's story first, so every sheet moved one place along and with it every block's
defined name (named by its sheet's position, layout.record): a workbook of an earlier version is
refreshed by the command line, which rebuilds it, never in place. The reader decodes a workbook by
the version it carries and refuses a newer one by name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar, cast

from scorecard_xl.a1 import a1, column_index, column_letters
from scorecard_xl.errors import InputError
from scorecard_xl.inputs.options import NO_OPTIONS, Options
from scorecard_xl.inputs.values import text_of

RECORD_VERSION = 3
PREFIX = "scxl_"
LATEST = "Latest"  # the picker's choice for "the latest period in the data"
PERIOD_LIST_ROWS = 49  # the drop-down offers Latest and the latest four years of months
CELL_TEXT_LIMIT = 32_767  # Excel's limit for the text in one cell
# Said where no data file is recorded (the bundled sample, a DataFrame): refresh reads a part in
# brackets as a remark, not a file name.
NO_DATA_FILES = "(none: Refresh works from the Data table. To refresh from a file too, type its path here)"
DATA_FILES_LIMIT = 32  # data files a workbook may name
NAME_LIMIT = 1_024  # characters in one data file's name
MEASURE_ROW_LIMIT = 100_000  # rows of the Scorecard's grid: measures and section titles
DEFINITION_LINE_LIMIT = 200_000  # lines of the definition on the Setup sheet
SHEET_LIMIT = 1_000  # sheets the Setup sheet's geometry lists

SetBy = Literal["analyst", "build", "derived"]
CellText = str | int | float | None  # what a field's cell holds, as the layout writes it
T = TypeVar("T")


@dataclass(frozen=True)
class Where:
    """A field's cell in a workbook, for messages: 'board.xlsx, sheet 'Cover', cell B10: Data files'."""

    book: str
    sheet: str
    row: int
    col: int
    field: str

    @property
    def cell(self) -> str:
        return f"sheet '{self.sheet}', cell {a1(self.row, self.col)}"

    def error(self, value: object, expected: str) -> InputError:
        return InputError.of(self.book, self.cell, self.field, value, expected)


@dataclass(frozen=True)
class Shape:
    """The rows and columns a field's defined name may span (inclusive bounds)."""

    rows: tuple[int, int] = (1, 1)
    columns: tuple[int, int] = (1, 1)

    def fits(self, rows: int, columns: int) -> bool:
        return self.rows[0] <= rows <= self.rows[1] and self.columns[0] <= columns <= self.columns[1]

    def describe(self) -> str:
        def span(bounds: tuple[int, int], what: str) -> str:
            low, high = bounds
            return f"{low:,} {what}" if low == high else f"{low:,} to {high:,} {what}"

        if self == CELL:
            return "one cell"
        return f"a range of {span(self.rows, 'rows')} and {span(self.columns, 'columns')}"


CELL = Shape()


def _as_written(value: Any) -> CellText:
    return cast("CellText", value)


def _as_read(value: object, where: Where) -> Any:
    return value  # (a range field: the reader reads its rows)


@dataclass(frozen=True)
class Field(Generic[T]):
    """One field of the record: where a reader finds it, what it may hold, who may set it."""

    name: str  # the defined name the layout gives it
    label: str  # how messages (and the Cover, for cells it labels) name it
    sheet: str  # the sheet the layout puts it on
    set_by: SetBy
    shape: Shape = CELL
    since: int = 1  # the record version that first has it
    required: bool = True  # a workbook of a version that has it must have it
    encode: Callable[[T], CellText] = _as_written  # value -> what its cell holds
    decode: Callable[[object, Where], T] = _as_read  # what its cell holds -> value, or InputError


AnyField = Field[Any]  # a field of any type, where only its name, place and shape matter


# -- codecs -----------------------------------------------------------------------------------------


def text(limit: int) -> Callable[[object, Where], str]:
    """A cell's text, as a person reads it, of at most `limit` characters."""

    def decode(value: object, where: Where) -> str:
        found = text_of(value)
        if len(found) > limit:
            raise where.error(found, f"text of at most {limit:,} characters")
        return found

    return decode


def _options(value: object, where: Where) -> Options:
    return Options.from_text(text(CELL_TEXT_LIMIT)(value, where), where.book, where.cell, where.field)


def _options_text(options: Options) -> str:
    return options.as_text() or NO_OPTIONS


def data_file_names(text_value: str) -> tuple[str, ...]:
    """The Cover's "Data files": names separated by semicolons; a part in brackets is a remark."""
    parts = (part.strip() for part in text_value.split(";"))
    return tuple(part for part in parts if part and not part.startswith("("))


def _data_files(value: object, where: Where) -> tuple[str, ...]:
    names = data_file_names(text(CELL_TEXT_LIMIT)(value, where))
    if len(names) > DATA_FILES_LIMIT:
        raise where.error(f"{len(names)} names", f"at most {DATA_FILES_LIMIT} data files")
    for name in names:
        if len(name) > NAME_LIMIT:
            raise where.error(name, f"a file name of at most {NAME_LIMIT:,} characters")
    return names


def _data_files_text(names: Sequence[str]) -> str:
    return "; ".join(names) or NO_DATA_FILES


_COUNT = re.compile(r"^([\d,]{1,13}) values")


def status_text(values: int, fingerprint: str, when: str) -> str:
    return f"{values:,} values in the Data table (sha256 {fingerprint}), {when}"


def _values_count(value: object, where: Where) -> int | None:
    """The number that starts the Cover's data status ("1,086 values in the Data table ..."); None
    when the cell says something else (the count only tells the analyst what a refresh added)."""
    match = _COUNT.match(text(CELL_TEXT_LIMIT)(value, where))
    return int(match[1].replace(",", "")) if match and match[1].replace(",", "") else None


def _picked(value: object, where: Where) -> str:
    """The Cover's "Period to show": "" for Latest, else the period as typed (checked against the
    definition's kind of period when the refresh reads it)."""
    found = text(32)(value, where)
    return "" if found.lower() == LATEST.lower() else found


def _picked_text(picked: str) -> str:
    return picked or LATEST


def _signature(value: object, where: Where) -> str:
    found = text_of(value)
    if not re.fullmatch(r"[0-9a-f]{16}", found):
        raise where.error(found, "the 16 hexadecimal digits scorecard-xl wrote (undo the edit)")
    return found


def _version(value: object, where: Where) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 999:
        raise where.error(value, "the record version scorecard-xl wrote, a whole number (undo the edit)")
    return value


PUBLICATION_NOTE = (
    "Published version: counts from 1 to {threshold} are shown as [c], as are figures that would let "
    "one be worked out (rates and percentages from them, totals, year-to-date sums). Laid out for "
    "screen readers as the Analysis Function's guidance on releasing statistics in spreadsheets asks."
)
_THRESHOLD = re.compile(r"^Published version: counts from 1 to ([0-9]{1,9}) are shown as \[c\]")


def publication_note(threshold: int | None) -> str:
    """The Cover's Publication row: what the publication profile did ("" when not published)."""
    return "" if threshold is None else PUBLICATION_NOTE.format(threshold=threshold)


def _publication(value: object, where: Where) -> int:
    match = _THRESHOLD.match(text_of(value))
    if not match:
        raise where.error(value, "the publication note scorecard-xl wrote (undo the edit)")
    return int(match[1])


# -- the fields -------------------------------------------------------------------------------------

COVER, SCORECARD, SUMMARY, DATA_SHEET, SETUP = "Cover", "Scorecard", "Summary", "Data", "Setup"
DEFINITIONS_SHEET = "Definitions"

TITLE: Field[str] = Field(f"{PREFIX}title", "Title", COVER, "build", decode=text(255))
ORGANISATION: Field[str] = Field(f"{PREFIX}organisation", "Organisation", COVER, "build", decode=text(255))
PERIOD_TEXT: Field[str] = Field(  # "March 2023 (year 2022-23)", shown under every sheet's title
    f"{PREFIX}period_text", "Period", COVER, "derived", decode=text(255)
)
MARKING: Field[str] = Field(f"{PREFIX}marking", "Protective marking", COVER, "build", decode=text(255))
OPTIONS: Field[Options] = Field(  # build options a refresh repeats, in words
    f"{PREFIX}options", "Built with", COVER, "build", encode=_options_text, decode=_options
)
DEFINITION: Field[str] = Field(  # where the definition came from (informational)
    f"{PREFIX}definition", "Definition", COVER, "build", required=False, decode=text(CELL_TEXT_LIMIT)
)
DATA: Field[tuple[str, ...]] = Field(  # data files a refresh reads new rows from, relative to the workbook
    f"{PREFIX}data", "Data files", COVER, "analyst", encode=_data_files_text, decode=_data_files
)
DATA_STATUS: Field[int | None] = Field(  # "1,086 values in the Data table (sha256 ...), when"
    f"{PREFIX}data_status", "Data", COVER, "derived", required=False, decode=_values_count
)
SHOWN: Field[str] = Field(f"{PREFIX}shown", "Period shown", COVER, "derived", decode=text(32))
PICKER: Field[str] = Field(  # the period to show; the analyst's, never rewritten by a refresh
    f"{PREFIX}period", "Period to show", COVER, "analyst", encode=_picked_text, decode=_picked
)
PERIODS: AnyField = Field(  # the picker's choices
    f"{PREFIX}periods", "Months in the data", COVER, "derived", Shape((1, PERIOD_LIST_ROWS)), required=False
)
SIGNATURE: Field[str] = Field(f"{PREFIX}layout", "Layout", COVER, "build", decode=_signature)
RECORD: Field[int] = Field(f"{PREFIX}record", "Record version", COVER, "build", since=2, decode=_version)
PUBLICATION: Field[int] = Field(  # the publication note; present only in a published copy
    f"{PREFIX}publication",
    "Publication",
    COVER,
    "build",
    since=2,
    required=False,
    encode=publication_note,
    decode=_publication,
)
# On the Scorecard: its grid (header row, then a row per measure or section title), the Ref and
# Measure columns (a section's row has no title; the published copy has a Section column between
# them), the months and YTD, and the analyst's Commentary beside the grid.
GRID: AnyField = Field(
    f"{PREFIX}grid", "Scorecard grid", SCORECARD, "derived", Shape((2, MEASURE_ROW_LIMIT), (4, 64))
)
REFS: AnyField = Field(
    f"{PREFIX}refs", "Ref and Measure", SCORECARD, "derived", Shape((2, MEASURE_ROW_LIMIT), (2, 3))
)
VALUES: AnyField = Field(
    f"{PREFIX}values",
    "months and YTD",
    SCORECARD,
    "derived",
    Shape((2, MEASURE_ROW_LIMIT), (1, 64)),
    required=False,
)
COMMENTARY: AnyField = Field(
    f"{PREFIX}commentary", "Commentary", SCORECARD, "analyst", Shape((2, MEASURE_ROW_LIMIT), (1, 1))
)
TOTALS: AnyField = Field(  # the Summary's counts; its "All sections" row last
    f"{PREFIX}totals", "Summary counts", SUMMARY, "derived", Shape((2, 10_000), (5, 32)), required=False
)
DATA_TABLE: AnyField = Field(  # the Data table's header row; its rows run to the end of the sheet
    f"{PREFIX}data_table", "Data table", DATA_SHEET, "analyst", Shape((1, 1), (6, 6))
)
DEFINITION_TEXT: Field[str] = Field(  # the definition's file name; its lines follow below
    f"{PREFIX}definition_text", "definition", SETUP, "analyst", decode=text(255)
)
GEOMETRY: AnyField = Field(  # per sheet: the column widths and row heights the layout set
    f"{PREFIX}geometry", "widths and heights", SETUP, "derived", Shape((1, SHEET_LIMIT)), required=False
)
DEFINITIONS: AnyField = Field(  # the Definitions table's header row (Ref, ..., Unit, ...): what
    # `check` needs of a published copy, which carries no definition file (its units say which
    # measures are counts)
    f"{PREFIX}definitions",
    "Definitions table",
    DEFINITIONS_SHEET,
    "derived",
    Shape((1, 1), (2, 16)),
    required=False,
)

FIELDS: tuple[AnyField, ...] = (
    TITLE, ORGANISATION, PERIOD_TEXT, MARKING, OPTIONS, DEFINITION, DATA, DATA_STATUS, SHOWN, PICKER,
    PERIODS, SIGNATURE, RECORD, PUBLICATION, GRID, REFS, VALUES, COMMENTARY, TOTALS, DATA_TABLE,
    DEFINITION_TEXT, GEOMETRY, DEFINITIONS,
)  # fmt: skip
BY_NAME: Mapping[str, AnyField] = {f.name: f for f in FIELDS}
# A published copy is a release, not a workbook to refresh: it carries what its readers need (the
# Cover's facts for `send`, the figures and the Definitions table for `check`) and none of the
# analyst's tools (the period picker, the layout's signature, the options, file paths, the
# definition's text). It is known by its Publication note without a layout signature.
RELEASE_FIELDS: tuple[AnyField, ...] = (
    TITLE, ORGANISATION, PERIOD_TEXT, MARKING, SHOWN, PUBLICATION, GRID, REFS, DATA_TABLE, DEFINITIONS,
)  # fmt: skip


def required(version: int, release: bool = False) -> list[AnyField]:
    """The fields a workbook of record `version` must have (a published copy: RELEASE_FIELDS)."""
    if release:
        return list(RELEASE_FIELDS)
    return [f for f in FIELDS if f.required and f.since <= version]


# -- the Setup sheet's definition lines and geometry ------------------------------------------------

ESCAPE = "\\"
_RISKY_START = ("=", "+", "-", "@", "\t", "\r", ESCAPE)


def escape_line(line: str) -> str:
    """A definition line as its cell holds it: a line a spreadsheet would run as a formula (or one
    starting with the escape itself) gets a backslash in front."""
    return ESCAPE + line if line.startswith(_RISKY_START) else line


def unescape_line(cell: str) -> str:
    return cell[1:] if cell.startswith(ESCAPE) else cell


def definition_lines(text_value: str) -> list[str]:
    lines = text_value.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the file's final newline
    return lines


def text_from_lines(cells: Sequence[str]) -> str:
    """The definition's text from its cells as read back (trailing empty rows dropped)."""
    lines = [unescape_line(c) for c in cells]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n"


def definition_line(value: object) -> str:
    """A definition line's cell as text: not stripped (indentation matters in YAML and in multi-line
    strings); a whole number a spreadsheet stored as one (a line "2") without ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


Geometry = tuple[dict[int, float], dict[int, float]]  # column widths, row heights (0-based keys)
WIDTH_LIMIT, HEIGHT_LIMIT = 255.0, 409.0  # Excel's largest column width and row height
_ENTRY = re.compile(r"^\s*([A-Z]{1,3}|\d{1,7})\s+(\d{1,3}(?:\.\d{1,6})?)\s*$")


def geometry_text(widths: Mapping[int, float], heights: Mapping[int, float]) -> str:
    """'A 9, B 46; 1 24, 6 30.5': widths by column letter, then heights by row number."""
    columns = ", ".join(f"{column_letters(c)} {round(w, 2):g}" for c, w in sorted(widths.items()))
    rows = ", ".join(f"{r + 1} {round(h, 2):g}" for r, h in sorted(heights.items()))
    return f"{columns}; {rows}"


def parse_geometry(text_value: str) -> Geometry | None:
    """Read back `geometry_text`; None for anything else (an analyst's edit, or sizes no sheet can
    have), so a refresh then sets every width and height the layout gives."""
    if ";" not in text_value or len(text_value) > CELL_TEXT_LIMIT:
        return None
    columns_text, rows_text = text_value.split(";", 1)
    widths: dict[int, float] = {}
    heights: dict[int, float] = {}
    for part, target, limit in ((columns_text, widths, WIDTH_LIMIT), (rows_text, heights, HEIGHT_LIMIT)):
        for entry in filter(None, (e.strip() for e in part.split(","))):
            match = _ENTRY.match(entry)
            if not match or float(match[2]) > limit:
                return None
            key = match[1]
            target[column_index(key) if key.isalpha() else int(key) - 1] = float(match[2])
    return widths, heights
