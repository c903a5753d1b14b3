"""Stage 2, the model: a definition and its data for one period, with every figure and judgement.

`scorecard.build_scorecard` makes the frozen `Scorecard` the layout draws: RAG against target by
polarity (`assess`), year-to-date targets (`ytd_target`), statistical process control
(`measure_spc`, through the public engine `scorecard_xl.spc`), the month's story (`story`), and for
a published copy the suppression of small numbers (`suppression`, `disclosure`, `shorthand`).
Pure: no files, no Excel; runs in Pyodide.
"""
