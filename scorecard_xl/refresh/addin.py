"""The Excel add-in: xlwings' own ribbon add-in template with its ribbon rewritten to a Scorecard tab.

The template (`quickstart_addin_ribbon.xlam`, shipped inside the installed xlwings package) holds
xlwings' VBA, which runs `import NAME; NAME.main()` for its ribbon button, NAME being the add-in's
file name. So the add-in must be called scorecard_xl.xlam, and its buttons run
`scorecard_xl.main()`. Only `customUI/customUI.xml` (plain XML in the zip) changes; the VBA is
copied byte for byte, because it cannot be rewritten safely without Excel.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from scorecard_xl import __version__
from scorecard_xl.atomic import check_writable, write_atomically
from scorecard_xl.errors import ARGUMENTS, InputError

ADDIN_NAME = "scorecard_xl.xlam"
TEMPLATE = "quickstart_addin_ribbon.xlam"
RIBBON_PART = "customUI/customUI.xml"

# Every button calls the template's one ribbon macro (RibbonMyAddin.RunMain -> scorecard_xl.main()):
# it is the only procedure in the template's VBA that takes the ribbon control, and it ignores it, so
# no button's id or tag reaches Python and every button refreshes. So the ribbon has only buttons
# whose label a refresh keeps: Refresh, and Change period (a refresh shows the Cover's pick). Check
# data, which must change nothing, is not offered here but in xlwings Lite and the Server; an IT team
# changing RunMain to pass control.Tag on can add it (tag "check", scorecard_xl.check_data).
RIBBON_XML = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="scorecardTab" label="Scorecard">
        <group id="scorecardGroup" label="Scorecard">
          <button id="scorecardRefresh" tag="refresh" label="Refresh" size="large"
            imageMso="Refresh" onAction="RibbonMyAddin.RunMain"
            screentip="Refresh the scorecard"
            supertip="Show the month picked on the Cover, or the latest month in the data.
Commentary and formatting stay. If anything is wrong, nothing changes and a message says why." />
          <button id="scorecardPeriod" tag="period" label="Change period" size="large"
            imageMso="DateAndTimeInsert" onAction="RibbonMyAddin.RunMain"
            screentip="Show another month"
            supertip="First pick the month in the 'Period to show' cell on the Cover, then click here:
the scorecard shows it (a refresh, as the Refresh button is: pick Latest to follow new data)." />
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def template_path() -> Path:
    try:
        import xlwings
    except ImportError:
        raise InputError.of(
            "xlwings",
            "",
            "",
            None,
            "is needed to make the add-in: pip install 'scorecard-xl[excel]' (or xlwings)",
        ) from None
    path = Path(xlwings.__file__).parent / TEMPLATE
    if not path.exists():
        raise InputError.of(
            str(path),
            "",
            "",
            None,
            f"is missing from the installed xlwings {xlwings.__version__}; reinstall xlwings",
        )
    return path


def addin_bytes(template: Path) -> bytes:
    """The template with its ribbon replaced; every other part copied unchanged."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        if RIBBON_PART not in names:
            raise InputError.of(str(template), "", "", None, f"has no {RIBBON_PART}: not a ribbon add-in")
        for info in source.infolist():
            data = RIBBON_XML.encode("utf-8") if info.filename == RIBBON_PART else source.read(info.filename)
            target.writestr(info, data)
    return out.getvalue()


def write_addin(output: str | Path = ADDIN_NAME, force: bool = False) -> Path:
    path = Path(output)
    if path.name != ADDIN_NAME:
        raise InputError.of(
            ARGUMENTS,
            "",
            "output",
            str(path),
            f"a file named {ADDIN_NAME}: xlwings runs 'import NAME; NAME.main()' with the add-in's "
            "file name, so any other name would import the wrong module",
        )
    content = addin_bytes(template_path())
    if path.is_file() and path.read_bytes() == content:
        return path  # written before, unchanged: running addin twice is not a mistake
    check_writable(path, force, ".xlam", holds="is another add-in, perhaps installed in Excel")
    write_atomically(path, content)
    return path


INSTALL_STEPS = f"""\
Install it (once per computer, Excel closed). It needs a local Python; with none, use xlwings
Lite instead (scorecard-xl lite).
  1. In the Python environment Excel will use (a virtual environment is best), have scorecard-xl
     with xlwings. scorecard-xl is not on PyPI: install it from its wheel or a checkout, e.g.
       python -m venv C:\\scorecard-xl  (then use that environment's python)
       python -m pip install "scorecard_xl-{__version__}-py3-none-any.whl[excel]"
       python -m pip install "C:\\path\\to\\scorecard-xl[excel]"     (from a checkout)
  2. xlwings addin install -f {{path}}
  3. Tell the add-in which Python to run, in its user config (named after the template's
     PROJECT_NAME, myaddin; xlwings' own xlwings.conf is not read by this add-in):
       Windows: %USERPROFILE%\\.myaddin\\myaddin.conf
         "INTERPRETER_WIN","C:\\scorecard-xl\\Scripts\\python.exe"
       Mac:     ~/Library/Containers/com.microsoft.Excel/Data/myaddin.conf  (Excel is sandboxed)
         "INTERPRETER_MAC","/path/to/venv/bin/python"   then run once: xlwings runpython install
  4. Excel must allow the add-in's macros (File > Options > Trust Center).
Then open a scorecard workbook and use the Scorecard tab: Refresh.
Licence: desktop xlwings (this add-in) is BSD-licensed."""
