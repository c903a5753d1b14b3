"""DfE published statistics for English local authorities, with LAIT-style benchmarks.

Reads the Explore Education Statistics layout (the files in `shared/data/dfe-csc/`): wide CSV
files with one row per `time_period` x `geographic_level` (National, Regional, Local authority) x
category, the area in `old_la_code`, `new_la_code`, `la_name`, `region_code`, `region_name`, and
one column per figure. Values are numbers or the GOV.UK symbols `c` (suppressed), `x` (not
available), `z` (not applicable), `u` (low reliability) and `low` (rounds to zero): symbols are
kept as lower-case text, matched case-insensitively, never read as 0, and left out of every mean,
quartile and rank.

Layers, each a module usable on its own (all importable from this package):

- `tables.py`, `load_dfe_table(path, column, filters)`: one value column of one file (rows
  filtered on category columns such as `population_type`) as a table per area and year;
  `derived_rate` divides two tables (the children in need rate per 10,000, which the files do not
  publish).
- `neighbours.py`, `load_sn_model(path)`: the DfE statistical neighbour model, 10 neighbours per
  `old_la_code`.
- `lait.py`, `benchmark(...)` and its parts (`quantile_type7`, `quartile_band`, `rank_min`,
  `neighbour_value`): the Local Authority Interactive Tool's method, below.
- `measures.py`, `STANDARD_MEASURES`: the measures the benchmarking scorecard shows, each a
  `DfeMeasure` (file, column, filters, polarity, unit).
- `records.py`, `read_dfe(folder, la_code, measures)`: for one LA and a list of `DfeMeasure`
  specs, tidy `RawRecord`s behind the same interface as `read_tidy_file`, plus a `SourceInfo` hashing every
  file read.

The LAIT method (dfe-analytical-services/local-authority-interactive-tool, R/fn_analysis.R and
R/lait_modules/mod_la_lvl_table.R, read at commits 9135ada and 1934abf):

- Quartile bands: `quantile(values, na.rm = TRUE)` (R's default, type 7) over every local
  authority's value for the latest year of the measure; `calculate_quartile_band` then gives, for
  polarity Low, A = [Q0, Q25], B = (Q25, Q50], C = (Q50, Q75], D = (Q75, Q100]; for polarity High,
  D = [Q0, Q25], C = (Q25, Q50], B = (Q50, Q75], A = (Q75, Q100]. So A is always the best quarter
  and a value exactly on a quartile falls in the band BELOW it (numerically): on Q25 it is A for
  Low but D for High; on Q75 it is C for Low but B for High. LAIT's own tests
  (tests/testthat/test-fn_analysis.R) check 25 -> A, 50 -> B, 75 -> C for Low with bands 0/25/50/
  75/100. No band where polarity is "-" (LAIT shows "-").
- Rank: `rank(values_num, ties.method = "min")`, of `-values_num` for High, over every LA's value
  for the latest year; an LA without a number has no rank and does not move anyone else's. So
  rank = 1 + the number of LAs strictly better; tied LAs share the best rank. No rank where
  polarity is "-".
- Statistical neighbours: `mean(values_num, na.rm = TRUE)` of the LA's 10 neighbours in the
  model, for each year: a suppressed or missing neighbour is left out, not counted as 0. This
  module also offers the median (`sn_method="median"`, as the DfE's CSC outcomes dashboard).
- Region: the Regional row of the LA's region; for a London borough the Inner or Outer London row,
  falling back to London when the Inner/Outer row has no number in any year (`clean_ldn_region`).
  England is the National row.

R's type 7 quantile is implemented here without numpy, as in R's `stats::quantile`: with the n
values sorted, index = 1 + (n - 1) p, lo = floor(index), hi = ceiling(index), q = x[lo], and where
index > lo and x[hi] != x[lo], q = (1 - h) x[lo] + h x[hi] with h = index - lo (the same floating
point expression, so a value on a boundary compares exactly as in LAIT).

Local authorities that changed: Northamptonshire (928) was replaced on 1 April 2021 by North (940)
and West (941) Northamptonshire; Cumbria (909) by Cumberland (942) and Westmorland and Furness (943)
in 2023; Bournemouth, Poole and Dorset (835-837) by Dorset (838) and BCP (839) in 2019. A code has
values only for the years it existed (928's last children in need year is 2021; some files carry
rows for 928 and 909 in later years with the symbols x/z, which count as missing). Nothing is
carried across from a predecessor: the old county is a different area with different
denominators. The workforce file (csww) publishes some LAs jointly (`940 / 941`, `314 / 318`):
that row is each member's value, and it counts once in the quartiles and ranks, as published.

Years. A DfE `time_period` of 2025 (children's social care, at or to 31 March 2025) becomes the
reporting year that contains the date the figure describes: with years starting in April, the
year to 31 March 2025 is "2024-25". The workforce census is at 30 September (the LAIT dictionary
says "Annual (end of Sept)"), so its measures set `period_end_month = 9` and its 2025 becomes
"2025-26", the year in which that snapshot was taken. A six-digit time_period (202425) is the
year ending in 2025.
"""

from scorecard_xl.extracts.dfe.lait import (
    Benchmark,
    benchmark,
    neighbour_value,
    quantile_type7,
    quartile_band,
    quartiles,
    rank_min,
)
from scorecard_xl.extracts.dfe.measures import STANDARD_MEASURES, DfeMeasure, Rate
from scorecard_xl.extracts.dfe.neighbours import SN_MODEL_FILE, StatNeighbours, load_sn_model
from scorecard_xl.extracts.dfe.records import read_dfe, reporting_year
from scorecard_xl.extracts.dfe.tables import SYMBOLS, Cell, DfeRow, DfeTable, derived_rate, load_dfe_table

__all__ = [
    "SN_MODEL_FILE",
    "STANDARD_MEASURES",
    "SYMBOLS",
    "Benchmark",
    "Cell",
    "DfeMeasure",
    "DfeRow",
    "DfeTable",
    "Rate",
    "StatNeighbours",
    "benchmark",
    "derived_rate",
    "load_dfe_table",
    "load_sn_model",
    "neighbour_value",
    "quantile_type7",
    "quartile_band",
    "quartiles",
    "rank_min",
    "read_dfe",
    "reporting_year",
]
