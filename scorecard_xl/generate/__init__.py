"""Stage 5, the build sequence: inputs -> model -> layout -> bytes -> files, once, for everyone.

`request.BuildRequest` is everything one workbook is made from; `request.lay_out` turns it into the
scorecard and its layout; `sequence.write_outputs` is the one write sequence (PDF first, then the
workbook, each atomically). `build`, `refresh_file`, `build --from-workbook` and batch all go through
them. `inputs.load_inputs` reads a definition and its data; `dataframes` is pandas out.
"""
