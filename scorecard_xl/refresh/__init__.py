"""Stage 6, refresh: bringing a built workbook up to date from its own record and new data.

`contents.refresh_contents` works out what a refreshed workbook shows, from a snapshot of it (read
by `scorecard_xl.workbook`, which treats it as untrusted); `excel_writes.plan_refresh` the writes
Excel needs, which `in_excel` makes through xlwings (the desktop add-in, xlwings Server, xlwings
Lite). `without_excel.refresh_file` is the command line's refresh, writing a new file through the
one build sequence. `addin` writes the ribbon add-in, `lite_files` the main.py and
requirements.txt xlwings Lite needs.
"""
