"""Stage 7, checks: is a workbook safe to send, and can everyone read it?

`check.check_workbook` reads an .xlsx package (never changing it) for what must not leave the
organisation (`rules`, `suppression`) and against the Office Open XML schema (`schema_audit`);
`accessibility` applies the Analysis Function's rules. Each problem is a `findings.Finding`.
"""
