"""Stage 5, the build sequence: inputs -> model -> layout -> bytes -> files, once, for everyone.

`request.BuildRequest` is everything one workbook is made from; `request.lay_out` turns it into the
scorecard and its layout; `sequence.make_workbook` writes it through `sequence.write_outputs`, the
one write sequence (the PDF, a backup of the file being replaced, then the workbook, each
atomically). `build`, `refresh_file`, `build --from-workbook` and batch all go through them.
`loading.load_inputs` reads a definition and its data; `validation.validate` checks them and
writes nothing; `dataframes` is pandas out; `allocation` pauses the cyclic garbage collector while
a build makes its many small objects.
"""
