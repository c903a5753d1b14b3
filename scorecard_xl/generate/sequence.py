"""The one build sequence: a request laid out, its bytes made in memory, then written atomically.
`build` (the library's and the command line's), `refresh_file`, `build --from-workbook` and
batch all write through `make_workbook` or, with a layout already made, `write_outputs`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scorecard_xl.atomic import check_writable, write_atomically
from scorecard_xl.generate.allocation import bulk_allocation
from scorecard_xl.generate.loading import DataInput, Inputs, input_paths, load_inputs, requested_period
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.inputs.options import Options
from scorecard_xl.inputs.periods import Period
from scorecard_xl.layout.sheet import WorkbookLayout
from scorecard_xl.model.scorecard import Scorecard
from scorecard_xl.write.formula_text import formula_text_warnings
from scorecard_xl.write.xlsx import write_workbook
from scorecard_xl.write.xlsxwriter_fast import slower_path_note

FileHook = Callable[[Path, bytes], None]


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: the file, the scorecard, the size and any warnings."""

    path: Path
    scorecard: Scorecard
    size: int
    # What the reader should know and nothing refused: NaN read as blanks, a month most measures
    # lack, cells check would flag (formula_text); said once, at build time (see build_warnings).
    warnings: tuple[str, ...] = ()


def build_warnings(inputs: Inputs, scorecard: Scorecard, layout: WorkbookLayout) -> tuple[str, ...]:
    """Everything a build or refresh warns of: reading the data, the period shown, its cells, and an
    xlsxwriter the faster write paths do not know."""
    slower = slower_path_note()
    return (
        *inputs.warnings,
        *scorecard.warnings,
        *formula_text_warnings(layout),
        *([slower] if slower else []),
    )


@bulk_allocation()
def write_outputs(
    path: Path,
    layout: WorkbookLayout,
    options: Options | None = None,
    pdf: str | Path | None = None,
    *,
    backup: Path | None = None,
    may_replace: FileHook | None = None,
    wrote: FileHook | None = None,
) -> int:
    """The one write sequence: make the workbook's bytes and, if asked, the PDF's (LibreOffice) in
    memory; then write the PDF, a copy of the workbook being replaced (`backup`, when given), and
    the workbook, each atomically, so a failure before the writes leaves every file as it was and a
    PDF failure leaves no new workbook. `may_replace(file, content)` runs for each new file just
    before the writes (a batch checks they are still its own, and records what it is about to
    write) and `wrote(file, content)` just after. Returns the workbook's size."""
    content = write_workbook(layout, (options or Options()).protect_password)
    outputs: list[tuple[Path, bytes]] = []
    if pdf:
        from scorecard_xl.write.pdf import print_pdf  # LibreOffice is needed only for PDFs

        outputs.append((Path(pdf), print_pdf(layout, Path(pdf).stem)))
    outputs.append((path, content))
    if may_replace is not None:
        for target, data in outputs:
            may_replace(target, data)
    if backup is not None and path.exists():
        write_atomically(backup, path.read_bytes())  # the analyst's last version stays, whole
    for target, data in outputs:
        write_atomically(target, data)
        if wrote is not None:
            wrote(target, data)
    return len(content)


@bulk_allocation()
def make_workbook(
    request: BuildRequest,
    output: Path,
    pdf: str | Path | None = None,
    *,
    may_replace: FileHook | None = None,
    wrote: FileHook | None = None,
) -> BuildResult:
    """Lay out `request` and write it to `output` (and its PDF to `pdf`) by `write_outputs`."""
    scorecard, layout = lay_out(request)
    size = write_outputs(output, layout, request.options, pdf, may_replace=may_replace, wrote=wrote)
    return BuildResult(output, scorecard, size, build_warnings(request.inputs, scorecard, layout))


@bulk_allocation()
def render(
    inputs: Inputs,
    period: Period | None = None,
    commentary: Mapping[str, str] | None = None,
    generated_at: dt.datetime | None = None,
    workbook_folder: Path | None = None,
    options: Options | None = None,
) -> tuple[Scorecard, bytes]:
    """Build the scorecard for `period` and return it with the workbook's bytes (nothing written)."""
    options = options or Options()
    request = BuildRequest(inputs, period, commentary, generated_at, workbook_folder, options)
    scorecard, layout = lay_out(request)
    return scorecard, write_workbook(layout, options.protect_password)


def build(
    output: str | Path,
    template: str | Path | None = None,
    data: DataInput | Sequence[DataInput] | None = None,
    period: str | None = None,
    force: bool = False,
    commentary: Mapping[str, str] | None = None,
    options: Options | None = None,
    pdf: str | Path | None = None,
) -> BuildResult:
    """Build one workbook to `output`, atomically, and its PDF to `pdf` if asked. Refuses to replace
    an existing file unless `force` (it may hold commentary the user typed)."""
    path = Path(output)
    sources = input_paths(template, data)
    check_writable(path, force, ".xlsx", inputs=sources)
    if pdf:
        check_writable(Path(pdf), force, ".pdf", inputs=[*sources, path])
    inputs = load_inputs(template, data)
    chosen = requested_period(period, inputs.definition)
    request = BuildRequest(
        inputs,
        chosen,
        commentary,
        workbook_folder=path.parent,
        options=options or Options(),
        picked=chosen.iso if chosen else None,
    )
    return make_workbook(request, path, pdf)
