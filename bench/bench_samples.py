"""Samples benchmark: each bundled sample built in one process, side by side, interleaved; the NHS
urgent care sample (11 measures, 36 months, an SPC chart each) against the NCT children's services
sample (93 measures, 6 months, no SPC).

    python bench/bench_samples.py [--repeat N]

Each build is `render` (load the definition and data, work out the scorecard, lay it out, write the
.xlsx bytes), timed wall and CPU; the first round warms up and is not counted; medians of wall,
least of CPU. The ratio is NHS / NCT. For the batch of every NHS provider with a major A&E:

    scorecard-xl nhs-ae-extract -o /tmp/nhs && python bench/bench_batch.py /tmp/nhs/batch.toml
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("SOURCE_DATE_EPOCH", "1681291800")
sys.path.insert(0, str(ROOT))

from scorecard_xl.generate.loading import load_inputs  # noqa: E402
from scorecard_xl.generate.sequence import render  # noqa: E402

SAMPLES = ("nct_monthly", "nhs_ae")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    walls: dict[str, list[float]] = {name: [] for name in SAMPLES}
    cpus: dict[str, list[float]] = {name: [] for name in SAMPLES}
    sizes: dict[str, int] = {}
    for round_ in range(args.repeat + 1):
        for name in SAMPLES:
            gc.collect()
            started, cpu = time.perf_counter(), time.process_time()
            scorecard, content = render(load_inputs(name))
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            if round_:
                walls[name].append(wall)
                cpus[name].append(used)
            sizes[name] = len(content)
            measures = len(scorecard.rows)
            charts = sum(1 for row in scorecard.rows if row.spc is not None)
            sizes[f"{name} measures"], sizes[f"{name} charts"] = measures, charts
    print(f"each bundled sample built in-process (render), median of {args.repeat}:")
    for name in SAMPLES:
        print(
            f"  {name:12} {statistics.median(walls[name]) * 1000:7.1f} ms wall"
            f" {min(cpus[name]) * 1000:7.1f} ms CPU"
            f"  {sizes[f'{name} measures']:3} measures, {sizes[f'{name} charts']:3} SPC charts, "
            f"{sizes[name]:,} bytes"
        )
    nct, nhs = SAMPLES
    ratio = statistics.median(walls[nhs]) / statistics.median(walls[nct])
    print(f"  ratio {nhs} / {nct}: {ratio:.2f}x wall, {min(cpus[nhs]) / min(cpus[nct]):.2f}x CPU")


if __name__ == "__main__":
    main()
