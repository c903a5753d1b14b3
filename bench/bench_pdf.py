"""Board pack benchmark: prints ratios measured side by side in one run.

    python bench/bench_pdf.py [--repeat N]

1. The board pack PDF of the sample (lay out the pack, draw 93 trends, write it, LibreOffice prints
   it) against a plain LibreOffice conversion of the same scorecard's workbook: what the pack costs
   beyond LibreOffice itself. Each LibreOffice run starts a fresh profile, as the product does.
2. Drawing trends: this project's pure-Python PNG painter (zlib) against Pillow and matplotlib
   drawing the same trend (same size, same 3x oversampling, same parts): the time to draw one, the
   PNG's size, and each library's import cost in a new process (what every `build --pdf` would pay).
   Pillow and matplotlib are measured only if installed (pip install pillow matplotlib).
3. That the workbook for Excel pays nothing for drawing: the modules a plain build imports.

Runs are interleaved (A, B, A, B, ...) so both sides see the same machine load; medians reported.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from scorecard_xl.drawing.series import TrendSeries
from scorecard_xl.drawing.trend import LATEST_DOT, LINE, OVERSAMPLE, TARGET_DASH, draw_trend, trend_shape
from scorecard_xl.generate.loading import load_inputs
from scorecard_xl.generate.request import BuildRequest, lay_out
from scorecard_xl.write.libreoffice import convert_to_pdf
from scorecard_xl.write.pdf import print_pdf
from scorecard_xl.write.xlsx import write_workbook

FIXED = dt.datetime(2023, 4, 12, tzinfo=dt.timezone.utc)
SERIES = TrendSeries((113.0, 174.0, 152.0, None, 124.0, 139.0), (True,) * 6, 140.0)
WIDTH, HEIGHT = 74, 16  # a trend cell's picture in the sample, in shown pixels
NAVY, ORANGE, GREY = "#1F3864", "#C55A11", "#767676"


def interleaved(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in runs}
    for run in runs.values():  # warm caches once each
        run()
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def pillow_trend() -> bytes:
    """The same trend with Pillow's ImageDraw: drawn 3x, no anti-aliasing of its own."""
    from PIL import Image, ImageDraw

    scale = OVERSAMPLE
    shape = trend_shape(SERIES, WIDTH * scale, HEIGHT * scale, "line", scale)
    image = Image.new("RGBA", (WIDTH * scale, HEIGHT * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if shape.target_y is not None:
        x = 0.0
        while x < WIDTH * scale:
            draw.line(
                [(x, shape.target_y), (x + TARGET_DASH * scale, shape.target_y)], fill=GREY, width=scale
            )
            x += 2 * TARGET_DASH * scale
    for run in shape.lines:
        draw.line(list(run), fill=NAVY, width=round(LINE * scale), joint="curve")
    for index, (cx, cy) in shape.points:
        radius = (LATEST_DOT if index == shape.latest else 1.5) * scale
        colour = ORANGE if index == shape.latest else NAVY
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def matplotlib_trend() -> bytes:
    """The same trend with matplotlib (Agg, anti-aliased), the usual choice for charts in Python."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    scale = OVERSAMPLE
    shape = trend_shape(SERIES, WIDTH * scale, HEIGHT * scale, "line", scale)
    dpi = 96 * scale
    figure = pyplot.figure(figsize=(WIDTH / 96, HEIGHT / 96), dpi=dpi)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, WIDTH * scale)
    axes.set_ylim(HEIGHT * scale, 0)
    axes.axis("off")
    points_per_pixel = 72 / dpi
    if shape.target_y is not None:
        axes.axhline(shape.target_y, color=GREY, linewidth=scale * points_per_pixel, dashes=(2.5, 2.5))
    for run in shape.lines:
        xs, ys = zip(*run, strict=True)
        axes.plot(xs, ys, color=NAVY, linewidth=LINE * scale * points_per_pixel)
    for index, (cx, cy) in shape.points:
        latest = index == shape.latest
        size = 2 * (LATEST_DOT if latest else 1.5) * scale * points_per_pixel
        axes.plot([cx], [cy], "o", color=ORANGE if latest else NAVY, markersize=size, markeredgewidth=0)
    out = io.BytesIO()
    figure.savefig(out, format="png", transparent=True, dpi=dpi)
    pyplot.close(figure)
    return out.getvalue()


def import_cost(module: str, repeat: int) -> float:
    """Median seconds of `python -c "import MODULE"` beyond a bare `python -c pass`."""

    def run(code: str) -> Callable[[], None]:
        return lambda: subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)

    times = interleaved({"bare": run("pass"), module: run(f"import {module}")}, repeat)
    return times[module] - times["bare"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    inputs = load_inputs()
    with tempfile.TemporaryDirectory() as folder:
        _, layout = lay_out(BuildRequest(inputs, generated_at=FIXED))
        plain = Path(folder) / "scorecard.xlsx"
        plain.write_bytes(write_workbook(layout))

        def board_pack() -> None:
            _, fresh = lay_out(BuildRequest(inputs, generated_at=FIXED))
            print_pdf(fresh, "pack")

        def plain_conversion() -> None:
            convert_to_pdf([plain], Path(folder) / "plain")
            (Path(folder) / "plain" / "scorecard.pdf").unlink()

        started = time.perf_counter()
        _, fresh = lay_out(BuildRequest(inputs, generated_at=FIXED))
        pack = fresh.board_pack() if fresh.board_pack else fresh
        pack_bytes = write_workbook(pack)
        prepare = time.perf_counter() - started
        pdfs = interleaved({"pack": board_pack, "plain": plain_conversion}, args.repeat)
    print(f"board pack PDF of the sample, median of {args.repeat} (LibreOffice {_soffice_version()}):")
    print(f"  board pack (lay out, draw 93 trends, write, print)  {pdfs['pack']:6.2f} s")
    print(f"  plain LibreOffice conversion of the workbook        {pdfs['plain']:6.2f} s")
    print(f"  ratio                                               {pdfs['pack'] / pdfs['plain']:6.2f}x")
    print(
        f"  (of which scorecard-xl's own part, laying out the pack and writing it: {prepare * 1000:.0f} ms; "
        f"pack {len(pack_bytes) / 1024:.0f} KB)"
    )

    painters: dict[str, Callable[[], bytes]] = {
        "pure Python (zlib)": lambda: draw_trend(SERIES, WIDTH, HEIGHT)
    }
    modules = {"pure Python (zlib)": "zlib"}
    if importlib.util.find_spec("PIL"):
        painters["Pillow"] = pillow_trend
        modules["Pillow"] = "PIL.Image, PIL.ImageDraw"
    if importlib.util.find_spec("matplotlib"):
        painters["matplotlib"] = matplotlib_trend
        modules["matplotlib"] = "matplotlib.pyplot"
    draws = interleaved(dict(painters), args.repeat * 20)
    ours = draws["pure Python (zlib)"]
    print(
        f"drawing one trend ({WIDTH}x{HEIGHT} px shown, drawn {OVERSAMPLE}x), median of {args.repeat * 20}:"
    )
    for name, painter in painters.items():
        cost = import_cost(modules[name], args.repeat * 2)
        print(
            f"  {name:<20} draw {draws[name] * 1000:6.2f} ms ({draws[name] / ours:5.2f}x)   "
            f"import {cost * 1000:6.0f} ms   PNG {len(painter()):5,} bytes"
        )
    print(f"  93 trends (the sample) with the pure-Python painter: {ours * 93 * 1000:.0f} ms")

    probe = (
        "import sys; from scorecard_xl import load_inputs, render; render(load_inputs()); "
        "print(sorted(m for m in sys.modules if m.startswith(('scorecard_xl.drawing', 'PIL', 'matplotlib'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    print(f"a plain build (the workbook for Excel) imports of drawing: {loaded.strip()}")


def _soffice_version() -> str:
    from scorecard_xl.write.libreoffice import find_soffice

    out = subprocess.run([find_soffice(), "--version"], capture_output=True, text=True).stdout.split()
    return out[1] if len(out) > 1 else "?"


if __name__ == "__main__":
    main()
