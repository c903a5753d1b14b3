"""The Cover: what this workbook is, where it came from, contents, and the key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from scorecard_xl.a1 import range_ref
from scorecard_xl.drawing.series import TrendSeries
from scorecard_xl.inputs.data_table import fingerprint
from scorecard_xl.inputs.ratios import NO_CASES
from scorecard_xl.inputs.values import MISSING_TOKENS
from scorecard_xl.layout.context import BuildContext
from scorecard_xl.layout.cover_button import add_refresh_button
from scorecard_xl.layout.grid import NOT_JUDGED
from scorecard_xl.layout.page_furniture import CONTENTS_SHEET, period_text, print_setup
from scorecard_xl.layout.page_furniture import heading as _heading
from scorecard_xl.layout.sheet import Block, Link, PageRef, SheetLayout, Sparkline, TableSpec, Validation
from scorecard_xl.layout.spc_icons import KEY_LINES, TOO_FEW, look
from scorecard_xl.layout.styles import CONDITIONAL
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.model.shorthand import MEANINGS
from scorecard_xl.model.ytd_target import PERIOD, TO_DATE, target_scope
from scorecard_xl.workbook import fields
from scorecard_xl.workbook.fields import AnyField, CellText

LABEL, TEXT = 0, 1  # columns: labels (the title in A1, where screen readers start), then text
PERIODS_COL = 3  # the period picker's list, right of the text


def lay_out_cover(
    scorecard: Scorecard,
    context: BuildContext,
    contents: Sequence[tuple[str, str]],
    printed: Mapping[str, tuple[str, int]] | None = None,
    accessible: bool = False,
) -> SheetLayout:
    """`contents` lists (sheet name, what it holds) in workbook order. `printed` makes the Cover of
    the printed pack: where each entry of the contents prints (sheet, row), for its page number;
    not the record a refresh reads. `accessible`
    makes the published copy's: contents and key as Excel Tables, the GSS shorthand explained."""
    definition = scorecard.definition
    sheet = SheetLayout(CONTENTS_SHEET, tab_color="#1F3864")
    sheet.widths.update({LABEL: 20.0, TEXT: 100.0, TEXT + 1: 3.0, PERIODS_COL: 16.0})
    sheet.put(0, LABEL, definition.title, "title")
    sheet.mark(fields.TITLE.name, 0, LABEL)
    sheet.heights[0] = 28
    sheet.put(1, LABEL, definition.organisation, "heading")
    sheet.mark(fields.ORGANISATION.name, 1, LABEL)
    sheet.put(2, LABEL, period_text(scorecard), "subtitle")
    sheet.blocks.append(Block("period_text", 2, LABEL, 2, LABEL))
    sheet.mark(fields.PERIOD_TEXT.name, 2, LABEL)
    sheet.put(3, LABEL, definition.marking, "marking")
    sheet.mark(fields.MARKING.name, 3, LABEL)
    if printed is None and not accessible:  # (paper and the published copy are not refreshed)
        add_refresh_button(sheet)
    if printed is None:
        row = _about(sheet, scorecard, context, 5)
        sheet.keep_together.append((5, row - 1))
        top = row + 1
        row = _contents(sheet, contents, top, accessible)
    else:  # (where the pack came from is on its last page: layout.about_sheet)
        top = 5
        row = _printed_contents(sheet, contents, printed, top)
    sheet.keep_together.append((top, row - 1))
    _key(sheet, scorecard, row + 1, accessible, drawn=printed is not None)
    sheet.print_setup = print_setup(scorecard)
    sheet.print_setup.print_area = (0, 0, max(r for r, *_ in sheet.cells), TEXT)
    return sheet


def status_lines(scorecard: Scorecard, context: BuildContext) -> list[tuple[str, str]]:
    """The rows refresh rewrites: the data the workbook holds, its periods, and the one shown.

    They describe the data itself (how many values, a hash of them), not the file it came from,
    so a workbook refreshed from its own Data table says what a fresh build of the same data says,
    and then what the refresh brought (context.refreshed)."""
    months = scorecard.available
    rows = context.data_rows
    when = context.generated_text
    if context.refreshed:
        when = f"refreshed {when}: {context.refreshed}"
    return [
        (fields.DATA_STATUS.label, fields.status_text(len(rows), fingerprint(rows), when)),
        (
            f"{'Years' if scorecard.definition.yearly else 'Months'} in the data",
            f"{months[0].long_label} to {months[-1].long_label}",
        ),
        ("Period shown", scorecard.period.iso),
    ]


def period_choices(scorecard: Scorecard) -> list[str]:
    """The drop-down's list: Latest, then the latest periods first, padded with blanks to a fixed
    length so the list's range never moves."""
    latest = [m.iso for m in reversed(scorecard.available)][: fields.PERIOD_LIST_ROWS - 1]
    return [fields.LATEST, *latest] + [""] * (fields.PERIOD_LIST_ROWS - 1 - len(latest))


def _about(sheet: SheetLayout, scorecard: Scorecard, context: BuildContext, row: int) -> int:
    definition = scorecard.definition
    heading = row
    row = _heading(sheet, row, "About this workbook")
    published = context.options.publish
    fixed: list[tuple[str, AnyField | None, CellText]] = [
        (
            "Generated",
            None,
            f"{context.generated_text} by {context.generator} from definition {definition.id} "
            f"version {definition.version} (sha256 {definition.sha256[:12]})",
        ),
        *(  # the published copy says so, in words a refresh checks against Built with
            [(fields.PUBLICATION.label, fields.PUBLICATION, fields.PUBLICATION.encode(published))]
            if published is not None
            else []
        ),
        (fields.OPTIONS.label, fields.OPTIONS, fields.OPTIONS.encode(context.options)),
        (fields.DEFINITION.label, fields.DEFINITION, context.definition_location),
        (fields.DATA.label, fields.DATA, fields.DATA.encode(context.data_locations)),
    ]
    for label, field, text in fixed:
        sheet.put(row, LABEL, label, "label")
        sheet.put(row, TEXT, text or None, "wrap", "@")
        if field is not None:
            sheet.mark(field.name, row, TEXT)
        row += 1
    first = row
    for label, text in status_lines(scorecard, context):
        sheet.put(row, LABEL, label, "label")
        sheet.put(row, TEXT, text, "wrap", "@")
        row += 1
    sheet.blocks.append(Block("status", first, TEXT, row - 1, TEXT))
    sheet.mark(fields.DATA_STATUS.name, first, TEXT)
    sheet.mark(fields.SHOWN.name, row - 1, TEXT)
    # The analyst's choice: outside every block, so a refresh never writes over it.
    sheet.put(row, LABEL, fields.PICKER.label, "label")
    sheet.put(row, TEXT, fields.PICKER.encode(context.picked), "picker", "@")
    sheet.mark(fields.PICKER.name, row, TEXT)
    row += 1
    sheet.put(
        row,
        TEXT,
        f"To show another {'year' if definition.yearly else 'month'}: pick it above (Latest follows "
        "new data), then click Refresh: the ⟳ button at the top, with the free xlwings Lite add-in "
        "set up once for this workbook (scorecard-xl's README says how), or the Scorecard tab of its "
        "desktop add-in; or run: scorecard-xl refresh this-file.xlsx.",
        "muted_wrap",
    )
    row += 1
    sheet.put(row, LABEL, fields.SIGNATURE.label, "label")
    sheet.put(row, TEXT, "", "muted", "@")  # the signature, filled in once every sheet is laid out
    sheet.mark(fields.SIGNATURE.name, row, TEXT)
    row += 1
    sheet.put(row, LABEL, fields.RECORD.label, "label")
    sheet.put(row, TEXT, fields.RECORD.encode(fields.RECORD_VERSION), "muted_left")
    sheet.mark(fields.RECORD.name, row, TEXT)
    row += 1
    # The picker's list, beside the block: visible, so nothing in the workbook is hidden.
    sheet.put(heading, PERIODS_COL, f"{'Years' if definition.yearly else 'Months'} in the data", "label")
    choices = period_choices(scorecard)
    for offset, choice in enumerate(choices):
        sheet.put(heading + 1 + offset, PERIODS_COL, choice or None, "muted", "@")
    last = heading + len(choices)
    sheet.blocks.append(Block("periods", heading + 1, PERIODS_COL, last, PERIODS_COL))
    sheet.mark(fields.PERIODS.name, heading + 1, PERIODS_COL, last, PERIODS_COL)
    picker_row, picker_col = sheet.marked(fields.PICKER.name)
    sheet.validations.append(
        Validation(
            picker_row,
            picker_col,
            range_ref(CONTENTS_SHEET, heading + 1, PERIODS_COL, last, PERIODS_COL, True),
            "Period to show",
            "Pick Latest or a month, then click Refresh on the Scorecard tab.",
        )
    )
    return row


def _printed_contents(
    sheet: SheetLayout,
    contents: Sequence[tuple[str, str]],
    printed: Mapping[str, tuple[str, int]],
    row: int,
) -> int:
    """The contents with the page each part starts on: paper has no links."""
    row = _heading(sheet, row, "Contents")
    for name, description in contents:
        target_sheet, target_row = printed[name]
        sheet.put(row, LABEL, name, "label" if target_sheet == name else "text")
        escaped = description.replace("{", "{{").replace("}", "}}")
        text = f"{escaped}: page {{page}}" if description else "page {page}"
        sheet.put_page_ref(row, TEXT, PageRef(row, TEXT, target_sheet, target_row, text), "text")
        row += 1
    return row


def _contents(
    sheet: SheetLayout, contents: Sequence[tuple[str, str]], row: int, accessible: bool = False
) -> int:
    row = _heading(sheet, row, "Contents")
    if accessible:
        what = "Every sheet of this workbook, with a link to it and what it holds."
        row = _table_header(sheet, row, len(contents), ("Contents", "Sheet", "What it holds"), what)
    for name, description in contents:
        sheet.put(row, LABEL, Link(name, "A1", name), "link")
        sheet.put(row, TEXT, description, "text")
        row += 1
    return row


def _table_header(sheet: SheetLayout, row: int, rows: int, names: tuple[str, str, str], what: str) -> int:
    """The header row of a two-column Excel Table (the published copy's contents and key) of `rows`
    rows below it: `names` is (table name, first column, second column). Returns the first row."""
    name, first, second = names
    sheet.put(row, LABEL, first, "column_header_left")
    sheet.put(row, TEXT, second, "column_header_left")
    sheet.tables.append(TableSpec(name, row, LABEL, row + rows, TEXT, (first, second), name, what))
    return row + 1


KeyLine = tuple[str, str, str]  # (term, its style, what it means)
# The key's example trend: six months, the third without a value, a target below the latest.
EXAMPLE_TREND = TrendSeries((3.0, 4.5, None, 5.0, 6.5, 5.5), (True,) * 6, 4.0)


def _example_trend(sheet: SheetLayout, row: int, kind: str) -> int:
    """A trend drawn as the Scorecard draws them (layout.trend_pictures turns it into a picture),
    and what it shows; returns the next row."""
    words = "For example: the third month without a value, the latest orange, the target dashed."
    sheet.put(row, LABEL, None, "text")
    sheet.sparklines.append(
        Sparkline(
            row, LABEL, sheet.name, row, LABEL, row, LABEL, kind, EXAMPLE_TREND, f"An example trend. {words}"
        )
    )
    sheet.put(row, TEXT, words, "wrap")
    sheet.heights[row] = 24
    return row + 1


SHARES = (
    "pro rata (1/12 of it a month; 1/4 a quarter or 1/3 a term for quarterly and termly measures), "
    "or by the measure's profile or its targets by month where the Definitions sheet says so"
)


def _shared_target_lines(scopes: set[str]) -> list[tuple[str, str]]:
    """What a target marked YTD (or in month) is: the year's target shared over the year
    (ytd_target), for cumulative measures (their YTD the sum of the year's months)."""
    lines = []
    if TO_DATE in scopes:
        lines.append(
            (
                "YTD",
                "Beside a Target: a year-to-date target. A cumulative measure (its YTD the sum of the "
                "year's months) is judged on its YTD against the year's target shared over the months "
                f"so far: {SHARES}. Without a YTD it is {NOT_JUDGED.lower()}.",
            )
        )
    if PERIOD in scopes:
        lines.append(
            (
                "in month",
                "Beside a Target: the latest month's (quarter's, term's) share of the year's target, "
                f"against which a cumulative measure's latest figure is judged: {SHARES}.",
            )
        )
    return lines


def _key(
    sheet: SheetLayout, scorecard: Scorecard, row: int, accessible: bool = False, drawn: bool = False
) -> int:
    """The key: every colour, word, arrow and symbol, and the rule behind it. In groups with a
    row between them; for the published copy one Excel Table (Term, Meaning), no blank rows. Where
    trends are `drawn` (the printed pack), an example trend is drawn as the pages draw them."""
    heading = row
    row = _heading(sheet, row, "Key")
    groups = [group for group in key_lines(scorecard, accessible) if group]
    if accessible:
        lines = [line for group in groups for line in group]
        what = "What every colour, word, arrow and symbol in this workbook means, and the rule behind it."
        row = _table_header(sheet, row, len(lines), ("Key", "Term", "Meaning"), what)
        groups = [lines]
    for group in groups:
        first = heading if group is groups[0] else row  # (the heading stays with its first group)
        for term, style, text in group:
            sheet.put(row, LABEL, term, style)
            sheet.put(row, TEXT, text, "wrap")
            row += 1
            if drawn and term == "Trend" and scorecard.definition.sparkline:
                row = _example_trend(sheet, row, scorecard.definition.sparkline)
        sheet.keep_together.append((first, row - 1))  # a page breaks between groups only
        if not accessible:
            row += 1
    return row - (0 if accessible else 1)


def key_lines(scorecard: Scorecard, accessible: bool) -> list[list[KeyLine]]:
    """The key in groups: RAG, directions and columns, SPC, comparators, benchmarks, symbols; each
    line (term, its look as the pages draw it, what it means). `accessible`: the published copy's
    words ([x] and [z] where the workbook for Excel leaves a blank; no trends)."""
    definition = scorecard.definition
    judged = "the YTD figure (bold)" if definition.headline == "ytd" else "the latest period"
    if definition.headline == "ytd":
        judged += ", or the latest month where there is no YTD"
    tolerance = definition.default_tolerance.describe()
    scopes = {target_scope(definition, m) for m in definition.measures}
    against = "the year's target"
    if TO_DATE in scopes:
        against += " (for a cumulative measure, its year-to-date target: YTD below)"
    elif PERIOD in scopes:
        against += " (for a cumulative measure, the month's share of it: in month below)"
    rag_lines = [
        (
            "Green",
            f"On target or better. RAG judges {judged} against {against}, "
            "both as displayed, by the measure's polarity (higher or lower is better).",
        ),
        (
            "Amber",
            f"Worse than target but {tolerance} (each measure's own amber band, where it "
            "has one, is on the Definitions sheet).",
        ),
        ("Red", "Worse than target by more than the amber band."),
        *_shared_target_lines(scopes),
        (NOT_JUDGED, "The measure has a target, but the value or the target is not available this period."),
        ("(blank)", "For information: no target, so no RAG."),
    ]
    if accessible:  # the published copy says [x] and [z] where the workbook for Excel leaves a blank
        rag_lines[-2:] = [
            ("[x] in RAG", "The measure has a target, but the value or the target is not available."),
            ("[z] in RAG", "For information: no target, so no RAG."),
        ]
    if not any(m.target.judged for m in definition.measures):
        rag_lines = []  # a benchmarking scorecard: no targets, so no RAG to explain
    rag = [  # (a RAG word in its colours; "Not judged" and "(blank)" as the page shows them, plain)
        (word, f"key_{word}" if f"rag_{word}" in CONDITIONAL else "key_swatch", text)
        for word, text in rag_lines
    ]
    # The judgements as the pages draw them (the same words, glyphs and colours), then the columns.
    directions: list[KeyLine] = [
        (
            "▲ better  ▼ better",
            "key_better",
            "Green: moved up (▲) or down (▼), and that is better for this measure (its better "
            "direction is on the Definitions sheet). Against a comparator (vs SN, vs England), "
            "better than it.",
        ),
        (
            "▲ worse  ▼ worse",
            "key_worse",
            "Red: moved, and that is worse for this measure; against a comparator, worse than it.",
        ),
        ("▲ up  ▼ down", "key_swatch", "Moved, for a measure with no better direction (volumes, context)."),
        ("► same", "key_swatch", "No change as displayed; against a comparator, the same as displayed."),
    ]
    if any(m.polarity == "none" for m in definition.measures) and definition.comparators:
        directions.append(
            ("higher  lower", "key_swatch", "Against a comparator, for a measure with no better direction.")
        )
    column_lines = [
        (
            "Trend",
            f"The {len(scorecard.window)} {'years' if definition.yearly else 'months'} shown, oldest "
            "first, each at its own place (a quarterly or termly measure's points at its reporting "
            "months): a gap is a period without a value; the latest value is orange. Where trends are "
            "drawn as pictures (the PDF, the LibreOffice version) a dashed grey line is the year's "
            "target (none for a cumulative measure judged against a share of it).",
        ),
    ]
    if accessible:  # no trends in the published copy: the months' figures are in the cells
        column_lines.pop()
    if definition.yearly:
        column_lines.append(("vs last year", "The year shown against the year before."))
    else:
        column_lines += [
            (
                "vs last period",
                "The latest value against the previous one reported (month, quarter or term).",
            ),
            (
                "vs last year",
                "The judged figure against the same point a year earlier where the data has "
                "it, else against last year's outturn (a part-year total only at year end).",
            ),
        ]
    directions += [(label, "key_direction", text) for label, text in column_lines]
    comparators = []
    for comparator in definition.comparators:
        method = {
            "mean": "the mean (simple average) of the group's values, as LAIT computes it",
            "median": "the median of the group's values, as the DfE outcomes dashboard computes it",
        }.get(comparator.method or "", "")
        text = comparator.name + (f": {method}" if method else "") + f". Compared with {judged}."
        comparators.append((comparator.label, "label", text))
    benchmarks = [(benchmark.label, "label", benchmark.name) for benchmark in definition.benchmarks]
    if accessible:
        symbols = [
            (symbol, "key_token", f"{meaning}. Never counted as zero.")
            for symbol, meaning in MEANINGS.items()
        ]
    else:
        symbols = [
            (token, "key_token", f"{meaning[:1].upper()}{meaning[1:]}. Never counted as zero.")
            for token, meaning in MISSING_TOKENS.items()
            if token
        ]
    if any(m.ratio for m in definition.measures):  # (its z, or [z], is explained with the others)
        symbols.append(
            (
                "Ratio",
                "label",
                "A percentage (or average) worked out from two counts each month (the "
                "Definitions sheet names them); its YTD is the year's sum of the one over the "
                "year's sum of the other, over the months where both have numbers. "
                f"{NO_CASES.token if not accessible else '[z]'}: the count it is out of was 0 that "
                "month. A missing or suppressed count gives its symbol.",
            )
        )
    spc = _spc_lines(scorecard) if definition.spc is not None else []
    return [rag, directions, spc, comparators, benchmarks, symbols]


def _spc_lines(scorecard: Scorecard) -> list[KeyLine]:
    """The SPC icons' words, as drawn, and how the charts are read (Making Data Count)."""
    settings = scorecard.definition.spc
    assert settings is not None
    lines: list[KeyLine] = [(term, f"key_spc_{look(term)}", text) for term, text in KEY_LINES]
    lines.append(
        (
            TOO_FEW,
            "key_swatch",
            f"SPC: fewer than {settings.minimum_points} points in the data, so no process limits and no "
            "icons yet (the SPC sheet shows the mean).",
        )
    )
    lines.append(
        (
            "SPC",
            "label",
            "Statistical process control as NHS England's Making Data Count defines it (SPC Charts SQL "
            "v2.6): each measure charted over every month of the data; process limits at the mean "
            f"± 2.66 mean moving ranges; special causes: a point beyond a limit, a shift of "
            f"{settings.shift} points one side of the mean, a trend of {settings.trend} points, two of "
            "three points beyond two thirds of the way to a limit.",
        )
    )
    return lines
