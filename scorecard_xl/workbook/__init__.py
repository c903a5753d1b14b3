"""Stage 2, a built workbook read back as untrusted input: its record of itself (`fields`, every
field declared once), the one reader every command and runtime reads it through (`reader`), what
the workbook may and may not ask for (`trust`, `trusted_folders`), and reading any .xlsx package
within limits: its parts (`ooxml`), its cells and names (`snapshot`, `sheet_values`)."""
