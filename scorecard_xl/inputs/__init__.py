"""Stage 1, inputs: what the user gives us, read within limits and checked.

A scorecard definition (TOML or YAML: `definition_reader`), its data (files, databases and
DataFrames: `sources/`, validated into a `data.Dataset`), the options a workbook is made with
(`options`), and the vocabularies both use: units, values and their missing-value tokens,
periods. Every file here is untrusted: read with a size cap (`input_files`, `zip_guard`), every
problem an `InputError` naming the file, the row or measure, the field, the value and what is
accepted. Imports only the foundations (errors, a1, atomic) and itself.
"""
