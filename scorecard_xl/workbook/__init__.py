"""A built workbook read back: its record of itself (fields), the one reader every command and
runtime reads it through (reader), and what the workbook may and may not ask for (trust)."""
