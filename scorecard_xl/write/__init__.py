"""Stage 4, writing: a laid-out workbook to bytes and files.

`xlsx.write_workbook` turns a `layout.sheet.WorkbookLayout` into .xlsx bytes in one pass through
xlsxwriter (with the faster paths of `xlsxwriter_fast`, pinned to the versions they were proved on);
`capacity` says what must fit (Excel's grid, our own reader's limits); `formula_text` finds cells a
CSV export would run; `pdf` prints the board pack through LibreOffice (`libreoffice`).
"""
