"""Stage 7, checks: is a workbook safe to send, and can everyone read it?

`check.check_workbook` reads an .xlsx package (never changing it): `workbook_file` refuses what is
not a workbook, `inspection` looks through its parts for what must not leave the organisation
(with `rules` for text, formulas and names, and `suppression` for counts a published copy should
not show), and `schema_audit` runs openxml-audit. `accessibility` applies the Analysis Function's
rules. Each problem is a `findings.Finding`, collected and said by `report`.
"""
