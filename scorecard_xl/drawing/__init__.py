"""Small pictures drawn in pure Python (no imaging library to import): trend lines for programs
that cannot draw Excel's sparklines."""
