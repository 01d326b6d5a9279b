"""Write REPORT.md for the orbital example (filled in below)."""
